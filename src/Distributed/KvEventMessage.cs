using Dynamo.Abstractions.KvCache;

namespace Dynamo.Distributed;

/// <summary>A <see cref="KvCacheEvent"/> on the wire: <c>Kind</c> says which of the three it is.</summary>
/// <param name="Blocks">For stored: [local hash, sequence hash] per block.</param>
/// <param name="Hashes">For removed: sequence hashes.</param>
internal sealed record KvEventMessage(string Kind, long EventId, KvStorageTier Tier, ulong? ParentHash = null, ulong[][]? Blocks = null, ulong[]? Hashes = null)
{
    public static KvEventMessage From(KvCacheEvent e) => e switch
    {
        KvBlocksStored s => new("stored", s.EventId, s.Tier, s.ParentHash, [.. s.Blocks.Select(b => new[] { b.LocalHash, b.SequenceHash })]),
        KvBlocksRemoved r => new("removed", r.EventId, r.Tier, Hashes: [.. r.SequenceHashes]),
        KvCacheCleared c => new("cleared", c.EventId, c.Tier),
        _ => throw new ArgumentException($"Unknown KV event {e.GetType().Name}.", nameof(e)),
    };

    /// <summary>The event as messages of at most <paramref name="maxBlocks"/> stored blocks each.</summary>
    public static IEnumerable<KvEventMessage> Split(KvCacheEvent e, int maxBlocks)
    {
        if (e is not KvBlocksStored { Blocks.Count: var count } stored || count <= maxBlocks)
        {
            yield return From(e);
            yield break;
        }
        for (var start = 0; start < count; start += maxBlocks)
            yield return From(stored with
            {
                ParentHash = start == 0 ? stored.ParentHash : stored.Blocks[start - 1].SequenceHash,
                Blocks = [.. stored.Blocks.Skip(start).Take(maxBlocks)],
            });
    }

    public KvCacheEvent ToEvent() => Kind switch
    {
        "stored" => new KvBlocksStored(EventId, Tier, ParentHash, [.. (Blocks ?? []).Select(b => new KvBlockHash(b[0], b[1]))]),
        "removed" => new KvBlocksRemoved(EventId, Tier, Hashes ?? []),
        "cleared" => new KvCacheCleared(EventId, Tier),
        _ => throw new FormatException($"Unknown KV event kind '{Kind}'."),
    };
}
