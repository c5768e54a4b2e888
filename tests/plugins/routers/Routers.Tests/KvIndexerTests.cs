using Dynamo.Abstractions.KvCache;
using Dynamo.Routers.KvAware;

namespace Dynamo.Routers.Tests;

public sealed class KvIndexerTests
{
    private static readonly KvBlockHash[] Blocks = KvBlockHasher.HashBlocks(Enumerable.Range(0, 40).ToArray(), 4);

    private static int[] Overlaps(KvIndexer index, params string[] workers)
    {
        Span<int> all = stackalloc int[KvIndexer.MaxWorkers];
        index.Overlaps(Blocks, all);
        var copy = all.ToArray();
        return workers.Select(w => copy[index.Slot(w)]).ToArray();
    }

    [Fact]
    public void OverlapCountsOnlyUnbrokenLeadingBlocks()
    {
        var index = new KvIndexer();
        index.Apply("a", new KvBlocksStored(1, KvStorageTier.Device, null, Blocks[..6]));
        index.Apply("b", new KvBlocksStored(1, KvStorageTier.Device, null, Blocks[..3]));
        index.Apply("b", new KvBlocksStored(2, KvStorageTier.Device, Blocks[3].SequenceHash, Blocks[4..8])); // a hole at block 3
        index.Apply("c", new KvBlocksStored(1, KvStorageTier.Device, null, Blocks[1..5]));                 // no first block
        Assert.Equal([6, 3, 0], Overlaps(index, "a", "b", "c"));

        index.Apply("a", new KvBlocksRemoved(2, KvStorageTier.Device, [Blocks[2].SequenceHash]));
        Assert.Equal([2, 3, 0], Overlaps(index, "a", "b", "c"));
        index.Apply("b", new KvCacheCleared(3, KvStorageTier.Device));
        Assert.Equal([2, 0, 0], Overlaps(index, "a", "b", "c"));
        index.Remove("a");
        index.Remove("c");
        Assert.Equal(0, index.Blocks); // memory follows what is stored
    }

    [Fact]
    public async Task LookupsRunWhileEventsAreApplied()
    {
        var index = new KvIndexer();
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(() =>
        {
            for (var round = 0; !stop.IsCancellationRequested; round++)
            {
                index.Apply($"w{w}", new KvBlocksStored(round, KvStorageTier.Device, null, Blocks));
                index.Apply($"w{w}", new KvBlocksRemoved(round, KvStorageTier.Device, Blocks.Skip(5).Select(b => b.SequenceHash).ToList()));
            }
        })).ToArray();
        Span<int> overlaps = stackalloc int[KvIndexer.MaxWorkers];
        for (var i = 0; i < 20_000; i++)
        {
            index.Overlaps(Blocks, overlaps);
            // Reads are lock-free, not a snapshot: a lookup racing a remove of blocks 5..9 may see
            // part of it, but blocks 0..4 are never removed once stored, so nothing tears below 5.
            foreach (var o in overlaps)
                Assert.True(o is 0 or (>= 5 and <= 10), $"overlap {o} is not a state any worker was in");
        }
        stop.Cancel();
        await Task.WhenAll(writers);
    }
}
