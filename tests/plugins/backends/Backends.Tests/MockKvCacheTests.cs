using Dynamo.Abstractions.KvCache;
using Dynamo.Backends.Mocker;

namespace Dynamo.Backends.Tests;

public sealed class MockKvCacheTests
{
    [Fact]
    public void Eviction_takes_low_priority_blocks_before_older_high_priority_ones()
    {
        var events = new List<KvCacheEvent>();
        var cache = new MockKvCache(3, events.Add);
        var (a, b, c) = (new KvBlockHash(1, 11), new KvBlockHash(2, 22), new KvBlockHash(3, 33));
        Assert.True(cache.TryAllocate([], 0, 3));
        foreach (var block in new[] { a, b, c })
            cache.Register(block, null);
        cache.Release([a.SequenceHash], 0, priority: 5);   // the least recently used, but a priority-5 request's
        cache.Release([b.SequenceHash], 0, priority: 0);
        cache.Release([c.SequenceHash], 0, priority: 0);

        Assert.True(cache.TryAllocate([], 0, 2));

        Assert.Equal([22UL, 33UL], Assert.IsType<KvBlocksRemoved>(events.Last()).SequenceHashes);
        Assert.Equal(1, cache.MatchPrefix([a]));
    }
}
