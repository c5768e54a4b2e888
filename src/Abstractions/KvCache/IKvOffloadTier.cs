namespace Dynamo.Abstractions.KvCache;

/// <summary>
/// A slower place for KV blocks the device cache evicts (host memory, disk, a remote store).
/// Tiers form an ordered chain: what a tier evicts it hands back from <see cref="OfferAsync"/>
/// so the next tier can take it. Blocks are keyed and deduplicated by sequence hash.
/// </summary>
public interface IKvOffloadTier : IAsyncDisposable
{
    KvStorageTier Tier { get; }

    /// <summary>Whether the tier holds the block now (cheap; used for prefix matching).</summary>
    bool Contains(ulong sequenceHash);

    /// <summary>Stores a block; returns the blocks evicted to make room, for the next tier.</summary>
    ValueTask<IReadOnlyList<KvBlockPayload>> OfferAsync(KvBlockPayload block, CancellationToken cancellationToken);

    /// <summary>Reads a block back for onboarding; null when it is not (or no longer) held.</summary>
    ValueTask<KvBlockPayload?> TryFetchAsync(ulong sequenceHash, CancellationToken cancellationToken);

    /// <summary>Raised when the tier stores or drops blocks, so routers can credit tier hits.</summary>
    event Action<KvCacheEvent>? KvEventPublished;
}
