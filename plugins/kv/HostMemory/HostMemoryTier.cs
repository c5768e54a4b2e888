using Dynamo.Abstractions.KvCache;

namespace Dynamo.Kv.HostMemory;

/// <summary>
/// G2: KV blocks in host memory, bounded by bytes (and, if given, a block count). Blocks are keyed by sequence hash (an offered
/// block already held is only refreshed); when full, the lowest-priority, least recently used
/// blocks are evicted and handed back for the next tier. Thread-safe: offers come from the
/// engine's offload loop, lookups from its requests.
/// </summary>
internal sealed class HostMemoryTier(long capacityBytes, int maxBlocks = int.MaxValue) : IKvOffloadTier
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ulong, KvBlockPayload> _blocks = [];
    private readonly KvEvictionQueue<ulong> _order = new();
    private long _bytes;
    private long _eventId;

    public KvStorageTier Tier => KvStorageTier.HostMemory;

    public event Action<KvCacheEvent>? KvEventPublished;

    public bool Contains(ulong sequenceHash)
    {
        lock (_lock)
            return _blocks.ContainsKey(sequenceHash);
    }

    public ValueTask<IReadOnlyList<KvBlockPayload>> OfferAsync(KvBlockPayload block, CancellationToken cancellationToken)
    {
        var evicted = new List<KvBlockPayload>();
        KvCacheEvent? stored = null, removed = null;
        lock (_lock)
        {
            var hash = block.Hash.SequenceHash;
            if (block.Data.Length > capacityBytes)
                return ValueTask.FromResult<IReadOnlyList<KvBlockPayload>>([block]);
            if (_blocks.ContainsKey(hash))
            {
                _order.Remove(hash);
                _order.Add(hash, block.Priority);
                return ValueTask.FromResult<IReadOnlyList<KvBlockPayload>>([]);
            }
            while (_bytes + block.Data.Length > capacityBytes || _blocks.Count >= maxBlocks)
            {
                var victim = _blocks[_order.Evict()];
                _blocks.Remove(victim.Hash.SequenceHash);
                _bytes -= victim.Data.Length;
                evicted.Add(victim);
            }
            _blocks[hash] = block;
            _order.Add(hash, block.Priority);
            _bytes += block.Data.Length;
            if (evicted.Count > 0)
                removed = new KvBlocksRemoved(++_eventId, Tier, [.. evicted.Select(e => e.Hash.SequenceHash)]);
            stored = new KvBlocksStored(++_eventId, Tier, block.ParentSequenceHash, [block.Hash]);
        }
        if (removed is not null)
            KvEventPublished?.Invoke(removed);
        KvEventPublished?.Invoke(stored);
        return ValueTask.FromResult<IReadOnlyList<KvBlockPayload>>(evicted);
    }

    public ValueTask<KvBlockPayload?> TryFetchAsync(ulong sequenceHash, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_blocks.TryGetValue(sequenceHash, out var block))
                return ValueTask.FromResult<KvBlockPayload?>(null);
            // A fetch is a use: the block becomes the most recently used of its priority.
            _order.Remove(sequenceHash);
            _order.Add(sequenceHash, block.Priority);
            return ValueTask.FromResult<KvBlockPayload?>(block);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
