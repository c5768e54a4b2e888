using System.Diagnostics.Metrics;
using System.Threading.Channels;

namespace Dynamo.Abstractions.KvCache;

/// <summary>
/// An engine's ordered offload tiers (host memory, then disk, …). Blocks the device cache evicts
/// are queued without waiting (a full queue drops the block and counts it) and offered to the first
/// tier in the background; what a tier evicts to make room is offered to the next; what the last
/// evicts is gone. Lookups ask the tiers in order. The chain owns its tiers.
/// </summary>
public sealed class KvOffloadChain : IAsyncDisposable
{
    /// <summary>Where the block manager's instruments are published (Dynamo's <c>kvbm_*</c> names); the host exports them.</summary>
    public static readonly Meter Meter = new("Dynamo.Kvbm");

    private static readonly Counter<long> OffloadToHost = Meter.CreateCounter<long>("kvbm_offload_blocks_d2h", description: "Blocks evicted from the device into host memory.");
    private static readonly Counter<long> OffloadToDisk = Meter.CreateCounter<long>("kvbm_offload_blocks_d2disk", description: "Blocks evicted from the device straight to disk (no host tier).");
    private static readonly Counter<long> HostToDisk = Meter.CreateCounter<long>("kvbm_offload_blocks_h2disk", description: "Blocks moved from host memory to disk.");
    private static readonly Counter<long> OnboardFromHost = Meter.CreateCounter<long>("kvbm_onboard_blocks_h2d", description: "Blocks fetched from host memory for onboarding.");
    private static readonly Counter<long> OnboardFromDisk = Meter.CreateCounter<long>("kvbm_onboard_blocks_disk2d", description: "Blocks fetched from disk for onboarding.");
    private static readonly Counter<long> MatchedTokens = Meter.CreateCounter<long>("kvbm_matched_tokens", description: "Prompt tokens served from offload tiers instead of prefilled.");
    private static readonly Counter<long> DroppedBlocks = Meter.CreateCounter<long>("kvbm_offload_dropped_blocks", description: "Evicted blocks dropped because the offload queue was full.");

    // Lookups and hits per tier (host memory, disk), for the hit-rate gauges.
    private static readonly long[] Lookups = new long[3];
    private static readonly long[] Hits = new long[3];
    private static readonly ObservableGauge<double> HostHitRate = Meter.CreateObservableGauge("kvbm_host_cache_hit_rate", () => HitRate(KvStorageTier.HostMemory),
        description: "Share of host-memory tier lookups that found the block.");
    private static readonly ObservableGauge<double> DiskHitRate = Meter.CreateObservableGauge("kvbm_disk_cache_hit_rate", () => HitRate(KvStorageTier.Disk),
        description: "Share of disk tier lookups that found the block.");

    private readonly IReadOnlyList<IKvOffloadTier> _tiers;
    private readonly Channel<KvBlockPayload> _queue;
    private readonly Task _offloader;
    private long _dropped;
    private long _offloaded;

    /// <param name="queueCapacity">Evicted blocks waiting to be offered; beyond it they are dropped.</param>
    public KvOffloadChain(IReadOnlyList<IKvOffloadTier> tiers, int queueCapacity = 256)
    {
        _tiers = tiers;
        _queue = Channel.CreateBounded<KvBlockPayload>(new BoundedChannelOptions(queueCapacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true },
            _ =>
            {
                Interlocked.Increment(ref _dropped);
                DroppedBlocks.Add(1);
            });
        _offloader = Task.Run(OffloadAsync);
        // Every series exists from the start (at zero), so dashboards and alerts see it before the first eviction.
        foreach (var counter in (Counter<long>[])[OffloadToHost, OffloadToDisk, HostToDisk, OnboardFromHost, OnboardFromDisk, MatchedTokens, DroppedBlocks])
            counter.Add(0);
    }

    /// <summary>Evicted blocks dropped because the offload queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Blocks handed to the first tier.</summary>
    public long Offloaded => Interlocked.Read(ref _offloaded);

    /// <summary>Queues an evicted block for the tiers; never waits.</summary>
    public void Offload(KvBlockPayload block) => _queue.Writer.TryWrite(block);

    /// <summary>Whether some tier holds the block.</summary>
    public bool Contains(ulong sequenceHash) => _tiers.Any(t => t.Contains(sequenceHash));

    /// <summary>The engine onboarded <paramref name="tokens"/> prompt tokens from the tiers.</summary>
    public static void RecordMatched(int tokens) => MatchedTokens.Add(tokens);

    /// <summary>The block from the first tier that has it, or null (each tier asked counts as a lookup, for hit rates).</summary>
    public async ValueTask<KvBlockPayload?> FetchAsync(ulong sequenceHash, CancellationToken cancellationToken)
    {
        foreach (var tier in _tiers)
        {
            Interlocked.Increment(ref Lookups[(int)tier.Tier]);
            if (!tier.Contains(sequenceHash) || await tier.TryFetchAsync(sequenceHash, cancellationToken) is not { } block)
                continue;
            Interlocked.Increment(ref Hits[(int)tier.Tier]);
            (tier.Tier == KvStorageTier.Disk ? OnboardFromDisk : OnboardFromHost).Add(1);
            return block;
        }
        return null;
    }

    private static double HitRate(KvStorageTier tier)
    {
        var lookups = Interlocked.Read(ref Lookups[(int)tier]);
        return lookups == 0 ? 0 : (double)Interlocked.Read(ref Hits[(int)tier]) / lookups;
    }

    private async Task OffloadAsync()
    {
        await foreach (var block in _queue.Reader.ReadAllAsync())
        {
            IReadOnlyList<KvBlockPayload> moving = [block];
            KvStorageTier from = KvStorageTier.Device;
            foreach (var tier in _tiers)
            {
                var next = new List<KvBlockPayload>();
                foreach (var b in moving)
                    next.AddRange(await tier.OfferAsync(b, CancellationToken.None));
                // A tier hands back what it would not take (the same block) and what it evicted to make room.
                Moved(from, tier.Tier).Add(moving.Count - next.Count(n => moving.Any(m => ReferenceEquals(m, n))));
                (from, moving) = (tier.Tier, next);
                if (moving.Count == 0)
                    break;
            }
            Interlocked.Increment(ref _offloaded);
        }
    }

    private static Counter<long> Moved(KvStorageTier from, KvStorageTier to) =>
        (from, to) switch
        {
            (KvStorageTier.Device, KvStorageTier.Disk) => OffloadToDisk,
            (KvStorageTier.Device, _) => OffloadToHost,
            _ => HostToDisk,
        };

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _offloader;
        foreach (var tier in _tiers)
            await tier.DisposeAsync();
    }
}
