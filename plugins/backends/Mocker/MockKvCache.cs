using Dynamo.Abstractions.KvCache;

namespace Dynamo.Backends.Mocker;

/// <summary>
/// A paged KV cache without the tensors: a fixed number of blocks, full blocks registered by
/// sequence hash and shared between sequences (prefix caching), unreferenced blocks kept for
/// reuse until space is needed (lowest priority first, then least recently used: <see cref="KvEvictionQueue{T}"/>).
/// Every change is published as a KV event.
/// Not thread-safe: the scheduler loop owns it.
/// </summary>
internal sealed class MockKvCache(int capacityBlocks, Action<KvCacheEvent> publish)
{
    private sealed class Block(ulong hash)
    {
        public ulong Hash { get; } = hash;
        public int References { get; set; }
    }

    private readonly Dictionary<ulong, Block> _registered = [];
    private readonly KvEvictionQueue<Block> _free = new(); // registered, unreferenced
    private int _private; // allocated to sequences, not yet full (no hash)
    private long _eventId;

    /// <summary>Blocks that running sequences hold.</summary>
    public int ActiveBlocks => _registered.Count - _free.Count + _private;

    /// <summary>Blocks that could be handed out now (empty or evictable).</summary>
    public int AvailableBlocks => capacityBlocks - _registered.Count - _private + _free.Count;

    /// <summary>How many leading blocks of <paramref name="hashes"/> the cache holds.</summary>
    public int MatchPrefix(IReadOnlyList<KvBlockHash> hashes)
    {
        var matched = 0;
        while (matched < hashes.Count && _registered.ContainsKey(hashes[matched].SequenceHash))
            matched++;
        return matched;
    }

    /// <summary>
    /// Takes references on the first <paramref name="cachedBlocks"/> of <paramref name="hashes"/>
    /// and allocates <paramref name="newBlocks"/> private ones, evicting as needed; false (and no
    /// change) when they do not fit.
    /// </summary>
    public bool TryAllocate(IReadOnlyList<KvBlockHash> hashes, int cachedBlocks, int newBlocks)
    {
        var reusedFree = 0;
        for (var i = 0; i < cachedBlocks; i++)
            if (_registered[hashes[i].SequenceHash].References == 0)
                reusedFree++;
        // Reused free blocks leave the evictable pool, so they cannot also make room.
        if (newBlocks > AvailableBlocks - reusedFree)
            return false;
        for (var i = 0; i < cachedBlocks; i++)
            Acquire(_registered[hashes[i].SequenceHash]);
        var shortfall = newBlocks - (capacityBlocks - _registered.Count - _private);
        if (shortfall > 0)
            Evict(shortfall);
        _private += newBlocks;
        return true;
    }

    /// <summary>
    /// A private block of a sequence became full: it is registered under its hash (or, if another
    /// sequence registered the same block meanwhile, the private copy is freed and the shared one referenced).
    /// </summary>
    public void Register(KvBlockHash hash, ulong? parent)
    {
        _private--;
        if (_registered.TryGetValue(hash.SequenceHash, out var existing))
        {
            Acquire(existing);
            return;
        }
        _registered[hash.SequenceHash] = new Block(hash.SequenceHash) { References = 1 };
        publish(new KvBlocksStored(++_eventId, KvStorageTier.Device, parent, [hash]));
    }

    /// <summary>A sequence of <paramref name="priority"/> ended: drop its references and its private blocks.</summary>
    public void Release(IEnumerable<ulong> registeredHashes, int privateBlocks, int priority)
    {
        _private -= privateBlocks;
        foreach (var hash in registeredHashes)
        {
            var block = _registered[hash];
            if (--block.References == 0)
                _free.Add(block, priority);
        }
    }

    private void Acquire(Block block)
    {
        if (block.References++ == 0)
            _free.Remove(block);
    }

    private void Evict(int count)
    {
        var evicted = new List<ulong>(count);
        for (var i = 0; i < count; i++)
        {
            var block = _free.Evict();
            _registered.Remove(block.Hash);
            evicted.Add(block.Hash);
        }
        publish(new KvBlocksRemoved(++_eventId, KvStorageTier.Device, evicted));
    }
}
