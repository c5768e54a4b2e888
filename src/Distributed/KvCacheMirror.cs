using System.Collections.Concurrent;
using Dynamo.Abstractions.KvCache;

namespace Dynamo.Distributed;

/// <summary>
/// What a worker's engine holds in each KV tier, kept from the engine's own events, so a frontend
/// that meets the worker late (a restart, a new replica) can be told the whole state at once
/// instead of only what changes after it subscribed.
/// </summary>
internal sealed class KvCacheMirror
{
    private readonly ConcurrentDictionary<ulong, KvBlockHash>[] _tiers = [new(), new(), new()];

    public void Apply(KvCacheEvent kvEvent)
    {
        var tier = _tiers[(int)kvEvent.Tier];
        switch (kvEvent)
        {
            case KvBlocksStored stored:
                foreach (var block in stored.Blocks)
                    tier[block.SequenceHash] = block;
                break;
            case KvBlocksRemoved removed:
                foreach (var hash in removed.SequenceHashes)
                    tier.TryRemove(hash, out _);
                break;
            case KvCacheCleared:
                tier.Clear();
                break;
        }
    }

    /// <summary>Every block held now, as one stored event per non-empty tier.</summary>
    public IEnumerable<KvCacheEvent> Snapshot() =>
        _tiers.Select((blocks, tier) => (Blocks: blocks.Values.ToArray(), Tier: (KvStorageTier)tier))
            .Where(t => t.Blocks.Length > 0)
            .Select(t => new KvBlocksStored(0, t.Tier, null, t.Blocks));
}
