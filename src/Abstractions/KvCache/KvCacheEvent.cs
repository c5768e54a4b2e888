namespace Dynamo.Abstractions.KvCache;

/// <summary>
/// A change to an engine's KV cache, as routers and offload tiers see it. Hashes are the
/// sequence hashes of <see cref="KvBlockHasher"/>, so two workers holding the same prefix
/// report the same hashes.
/// </summary>
/// <param name="EventId">Per-worker, increasing: lets a consumer spot a gap.</param>
/// <param name="Tier">Where the blocks live (device unless an offload tier reports).</param>
public abstract record KvCacheEvent(long EventId, KvStorageTier Tier);

/// <summary>Full blocks became reusable. <paramref name="ParentHash"/> is the block before the first one.</summary>
public sealed record KvBlocksStored(
    long EventId,
    KvStorageTier Tier,
    ulong? ParentHash,
    IReadOnlyList<KvBlockHash> Blocks) : KvCacheEvent(EventId, Tier);

/// <summary>Blocks were evicted and can no longer be reused.</summary>
public sealed record KvBlocksRemoved(
    long EventId,
    KvStorageTier Tier,
    IReadOnlyList<ulong> SequenceHashes) : KvCacheEvent(EventId, Tier);

/// <summary>Every block in the tier was dropped.</summary>
public sealed record KvCacheCleared(long EventId, KvStorageTier Tier) : KvCacheEvent(EventId, Tier);
