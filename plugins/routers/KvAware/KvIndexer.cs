using System.Collections.Concurrent;
using System.Numerics;
using Dynamo.Abstractions.KvCache;

namespace Dynamo.Routers.KvAware;

/// <summary>
/// Which worker holds which block, fed only by the workers' KV events. Each block's holders are
/// one 64-bit mask in a concurrent map, so lookups read without a lock while events are applied;
/// a worker's own list of blocks (for clears and removal) is touched only by its events. Memory is
/// one entry per distinct block stored anywhere. Up to 64 workers per model.
/// </summary>
internal sealed class KvIndexer
{
    public const int MaxWorkers = 64;

    private readonly ConcurrentDictionary<ulong, ulong> _holders = new();
    private readonly ConcurrentDictionary<string, int> _slots = new();
    private readonly HashSet<ulong>?[] _blocksOf = new HashSet<ulong>?[MaxWorkers];
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
            slot = Array.FindIndex(_blocksOf, b => b is null);
            if (slot < 0)
                throw new InvalidOperationException($"The KV router indexes at most {MaxWorkers} workers per model.");
            _blocksOf[slot] = [];
            _slots[workerId] = slot;
            return slot;
        }
    }

    public string? WorkerOf(int slot) => _slots.FirstOrDefault(kv => kv.Value == slot).Key;

    /// <summary>Applies one worker's event. A worker's events must come in order, from one thread at a time.</summary>
    public void Apply(string workerId, KvCacheEvent kvEvent)
    {
        var slot = Slot(workerId);
        var bit = 1UL << slot;
        var mine = _blocksOf[slot]!;
        switch (kvEvent)
        {
            case KvBlocksStored stored:
                foreach (var block in stored.Blocks)
                {
                    if (!mine.Add(block.SequenceHash))
                        continue;
                    _holders.AddOrUpdate(block.SequenceHash, static (_, b) => b, static (_, holders, b) => holders | b, bit);
                }
                break;
            case KvBlocksRemoved removed:
                foreach (var hash in removed.SequenceHashes)
                    if (mine.Remove(hash))
                        Release(hash, bit);
                break;
            case KvCacheCleared:
                foreach (var hash in mine)
                    Release(hash, bit);
                mine.Clear();
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
            foreach (var hash in _blocksOf[slot]!)
                Release(hash, 1UL << slot);
            _blocksOf[slot] = null;
        }
    }

    private void Release(ulong hash, ulong bit)
    {
        while (_holders.TryGetValue(hash, out var holders))
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
