using Dynamo.Abstractions.KvCache;

namespace Dynamo.Abstractions.Tests.KvCache;

public sealed class KvOffloadChainTests
{
    private static KvBlockPayload Block(ulong hash) => new(new KvBlockHash(hash, hash), null, [], new byte[8]);

    /// <summary>Holds <c>capacity</c> blocks, evicting the oldest; can be made to stall.</summary>
    private sealed class ListTier(KvStorageTier tier, int capacity) : IKvOffloadTier
    {
        public readonly List<ulong> Held = [];
        public TaskCompletionSource Gate { get; } = new();
        public bool Stall { get; init; }

        public KvStorageTier Tier => tier;
        public event Action<KvCacheEvent>? KvEventPublished { add { } remove { } }
        public bool Contains(ulong sequenceHash) { lock (Held) return Held.Contains(sequenceHash); }

        public async ValueTask<IReadOnlyList<KvBlockPayload>> OfferAsync(KvBlockPayload block, CancellationToken cancellationToken)
        {
            if (Stall)
                await Gate.Task;
            lock (Held)
            {
                Held.Add(block.Hash.SequenceHash);
                if (Held.Count <= capacity)
                    return [];
                var oldest = Held[0];
                Held.RemoveAt(0);
                return [Block(oldest)];
            }
        }

        public ValueTask<KvBlockPayload?> TryFetchAsync(ulong sequenceHash, CancellationToken cancellationToken) =>
            ValueTask.FromResult(Contains(sequenceHash) ? Block(sequenceHash) : null);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    [Fact]
    public async Task What_the_first_tier_evicts_moves_to_the_next_and_lookups_find_either()
    {
        var (host, disk) = (new ListTier(KvStorageTier.HostMemory, 2), new ListTier(KvStorageTier.Disk, 10));
        await using var chain = new KvOffloadChain([host, disk]);
        foreach (var hash in new ulong[] { 1, 2, 3, 4 })
            chain.Offload(Block(hash));
        for (var i = 0; i < 200 && chain.Offloaded < 4; i++)
            await Task.Delay(5);

        Assert.Equal([3UL, 4UL], host.Held);
        Assert.Equal([1UL, 2UL], disk.Held);
        Assert.True(chain.Contains(1) && chain.Contains(4) && !chain.Contains(5));
        Assert.Equal(1UL, (await chain.FetchAsync(1, default))!.Hash.SequenceHash);
        Assert.Null(await chain.FetchAsync(5, default));
    }

    [Fact]
    public async Task A_full_offload_queue_drops_and_counts_and_never_waits()
    {
        var stalled = new ListTier(KvStorageTier.HostMemory, 100) { Stall = true };
        var chain = new KvOffloadChain([stalled], queueCapacity: 2);
        for (ulong hash = 1; hash <= 20; hash++)
            chain.Offload(Block(hash));   // returns at once whatever the tier does
        // One block is with the stalled tier, two wait in the queue, the rest are dropped.
        Assert.InRange(chain.Dropped, 17, 18);
        stalled.Gate.SetResult();
        await chain.DisposeAsync();
        Assert.Equal(20 - chain.Dropped, chain.Offloaded);
    }
}
