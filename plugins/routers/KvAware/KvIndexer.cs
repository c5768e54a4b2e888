using System.Collections.Concurrent;
using System.Numerics;
using Dynamo.Abstractions.KvCache;

namespace Dynamo.Routers.KvAware;

/// <summary>
/// Which worker holds which block, fed only by the workers' KV events. Each block's holders are
/// one 64-bit mask in a concurrent map, so lookups read without a lock while events are applied,
/// and a store or remove is one map update per block. Memory is one entry per distinct block
/// stored anywhere. A clear or a worker's removal (rare) sweeps the map for its bit rather than
/// keeping a per-worker list on every event. Up to 64 workers per model.
/// </summary>
internal sealed class KvIndexer
{
    public const int MaxWorkers = 64;

    private readonly ConcurrentDictionary<ulong, ulong> _holders = new();
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
        switch (kvEvent)
        {
            case KvBlocksStored stored:
                foreach (var block in stored.Blocks)
                    _holders.AddOrUpdate(block.SequenceHash, static (_, b) => b, static (_, holders, b) => holders | b, bit);
                break;
            case KvBlocksRemoved removed:
                foreach (var hash in removed.SequenceHashes)
                    Release(hash, bit);
                break;
            case KvCacheCleared:
                Sweep(bit);
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
            Sweep(1UL << slot);
            _used[slot] = false;
        }
    }

    private void Sweep(ulong bit)
    {
        foreach (var (hash, holders) in _holders)
            if ((holders & bit) != 0)
                Release(hash, bit);
    }

    private void Release(ulong hash, ulong bit)
    {
        while (_holders.TryGetValue(hash, out var holders) && (holders & bit) != 0)
        {
            var left = holders & ~bit;
            if (left == 0 ? _holders.TryRemove(new KeyValuePair<ulong, ulong>(hash, holders)) : _holders.TryUpdate(hash, left, holders))
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
            still &= _holders.TryGetValue(prompt[i].SequenceHash, out var holders) ? holders : 0;
            // Only workers that drop out here are written: one write per worker, not per block.
            for (var dropped = before & ~still; dropped != 0; dropped &= dropped - 1)
                overlapBySlot[BitOperations.TrailingZeroCount(dropped)] = i;
        }
        for (; still != 0; still &= still - 1)
            overlapBySlot[BitOperations.TrailingZeroCount(still)] = i;
    }

    /// <summary>Distinct blocks indexed (for metrics and tests).</summary>
    public int Blocks => _holders.Count;
}
