using System.Collections.Concurrent;
using System.Numerics;
using Dynamo.Abstractions.KvCache;

namespace Dynamo.Routers.KvAware;

/// <summary>
/// Which worker holds which block, fed only by the workers' KV events. Each block's holders are
/// one 64-bit mask in a concurrent map, so lookups read without a lock while events are applied,
/// and a store or remove is one map update per block. Memory is one entry per distinct block
/// stored anywhere. A clear or a worker's removal (rare) sweeps the map for its bit rather than
/// keeping a per-worker list on every event. Up to 64 workers per model. Each storage tier (device,
/// host memory, disk) has its own map, so an offload tier's events never blur the device's.
/// </summary>
internal sealed class KvIndexer
{
    public const int MaxWorkers = 64;

    private readonly ConcurrentDictionary<ulong, ulong>[] _tiers = [new(), new(), new()];

    private ConcurrentDictionary<ulong, ulong> DeviceHolders => _tiers[(int)KvStorageTier.Device];
    private readonly ConcurrentDictionary<string, int> _slots = new();
    private readonly bool[] _used = new bool[MaxWorkers];
    private readonly Lock _slotLock = new();

    /// <summary>The worker's slot in the masks, given on first sight.</summary>
    public int Slot(string workerId)
    {
        if (_slots.TryGetValue(workerId, out var slot))
            return slot;
        lock (_slotLock)
        {
            if (_slots.TryGetValue(workerId, out slot))
                return slot;
            slot = Array.IndexOf(_used, false);
            if (slot < 0)
                throw new InvalidOperationException($"The KV router indexes at most {MaxWorkers} workers per model.");
            _used[slot] = true;
            _slots[workerId] = slot;
            return slot;
        }
    }

    /// <summary>Applies one worker's event. A worker's events must come in order, from one thread at a time.</summary>
    public void Apply(string workerId, KvCacheEvent kvEvent)
    {
        var bit = 1UL << Slot(workerId);
        var tier = _tiers[(int)kvEvent.Tier];
        switch (kvEvent)
        {
            case KvBlocksStored stored:
                foreach (var block in stored.Blocks)
                    tier.AddOrUpdate(block.SequenceHash, static (_, b) => b, static (_, holders, b) => holders | b, bit);
                break;
            case KvBlocksRemoved removed:
                foreach (var hash in removed.SequenceHashes)
                    Release(tier, hash, bit);
                break;
            case KvCacheCleared:
                Sweep(tier, bit);
                break;
        }
    }

    /// <summary>Forgets a worker and frees its slot.</summary>
    public void Remove(string workerId)
    {
        lock (_slotLock)
        {
            if (!_slots.TryRemove(workerId, out var slot))
                return;
            foreach (var tier in _tiers)
                Sweep(tier, 1UL << slot);
            _used[slot] = false;
        }
    }

    private static void Sweep(ConcurrentDictionary<ulong, ulong> tier, ulong bit)
    {
        foreach (var (hash, holders) in tier)
            if ((holders & bit) != 0)
                Release(tier, hash, bit);
    }

    private static void Release(ConcurrentDictionary<ulong, ulong> tier, ulong hash, ulong bit)
    {
        while (tier.TryGetValue(hash, out var holders) && (holders & bit) != 0)
        {
            var left = holders & ~bit;
            if (left == 0 ? tier.TryRemove(new KeyValuePair<ulong, ulong>(hash, holders)) : tier.TryUpdate(hash, left, holders))
                return;
        }
    }

    /// <summary>
    /// For each worker slot, how many leading blocks of <paramref name="prompt"/> it holds
    /// (a block counts only if every block before it is held too).
    /// </summary>
    public void Overlaps(ReadOnlySpan<KvBlockHash> prompt, Span<int> overlapBySlot)
    {
        overlapBySlot.Clear();
        var still = ulong.MaxValue; // workers that held every block so far
        var i = 0;
        for (; i < prompt.Length && still != 0; i++)
        {
            var before = still;
            still &= DeviceHolders.TryGetValue(prompt[i].SequenceHash, out var holders) ? holders : 0;
            // Only workers that drop out here are written: one write per worker, not per block.
            for (var dropped = before & ~still; dropped != 0; dropped &= dropped - 1)
                overlapBySlot[BitOperations.TrailingZeroCount(dropped)] = i;
        }
        for (; still != 0; still &= still - 1)
            overlapBySlot[BitOperations.TrailingZeroCount(still)] = i;
    }

    /// <summary>
    /// For each worker slot, credit for the blocks right after its device prefix that it holds in
    /// host memory (<paramref name="hostWeight"/> each) or on disk (<paramref name="diskWeight"/>),
    /// up to the first block it holds nowhere: what onboarding would copy in instead of prefilling.
    /// </summary>
    public void LowerTierCredit(ReadOnlySpan<KvBlockHash> prompt, ReadOnlySpan<int> deviceOverlapBySlot, Span<double> creditBySlot, double hostWeight, double diskWeight)
    {
        creditBySlot.Clear();
        var (host, disk) = (_tiers[(int)KvStorageTier.HostMemory], _tiers[(int)KvStorageTier.Disk]);
        if (host.IsEmpty && disk.IsEmpty)
            return;
        foreach (var slot in _slots.Values)
        {
            var bit = 1UL << slot;
            for (var i = deviceOverlapBySlot[slot]; i < prompt.Length; i++)
            {
                var hash = prompt[i].SequenceHash;
                if (host.TryGetValue(hash, out var h) && (h & bit) != 0)
                    creditBySlot[slot] += hostWeight;
                else if (disk.TryGetValue(hash, out var d) && (d & bit) != 0)
                    creditBySlot[slot] += diskWeight;
                else
                    break;
            }
        }
    }

    /// <summary>Distinct blocks indexed on devices (for metrics and tests).</summary>
    public int Blocks => DeviceHolders.Count;
}
