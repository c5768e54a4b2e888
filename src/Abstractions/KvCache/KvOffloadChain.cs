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
            _ => Interlocked.Increment(ref _dropped));
        _offloader = Task.Run(OffloadAsync);
    }

    public IReadOnlyList<IKvOffloadTier> Tiers => _tiers;

    /// <summary>Evicted blocks dropped because the offload queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Blocks handed to the first tier.</summary>
    public long Offloaded => Interlocked.Read(ref _offloaded);

    /// <summary>Queues an evicted block for the tiers; never waits.</summary>
    public void Offload(KvBlockPayload block) => _queue.Writer.TryWrite(block);

    /// <summary>Whether some tier holds the block.</summary>
    public bool Contains(ulong sequenceHash) => _tiers.Any(t => t.Contains(sequenceHash));

    /// <summary>The block from the first tier that has it, or null.</summary>
    public async ValueTask<KvBlockPayload?> FetchAsync(ulong sequenceHash, CancellationToken cancellationToken)
    {
        foreach (var tier in _tiers)
            if (tier.Contains(sequenceHash) && await tier.TryFetchAsync(sequenceHash, cancellationToken) is { } block)
                return block;
        return null;
    }

    private async Task OffloadAsync()
    {
        await foreach (var block in _queue.Reader.ReadAllAsync())
        {
            IReadOnlyList<KvBlockPayload> moving = [block];
            foreach (var tier in _tiers)
            {
                var next = new List<KvBlockPayload>();
                foreach (var b in moving)
                    next.AddRange(await tier.OfferAsync(b, CancellationToken.None));
                moving = next;
                if (moving.Count == 0)
                    break;
            }
            Interlocked.Increment(ref _offloaded);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _offloader;
        foreach (var tier in _tiers)
            await tier.DisposeAsync();
    }
}
