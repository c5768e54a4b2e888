using Dynamo.Abstractions.KvCache;
using Dynamo.Abstractions.Requests;

namespace Dynamo.Abstractions.Tests.KvCache;

public sealed class KvEvictionQueueTests
{
    [Fact]
    public void Lowest_priority_goes_first_and_least_recently_used_among_equals()
    {
        var queue = new KvEvictionQueue<string>();
        queue.Add("high-old", 5);
        queue.Add("low-old", 0);
        queue.Add("high-new", 5);
        queue.Add("low-new", 0);

        Assert.Equal(["low-old", "low-new", "high-old", "high-new"], Enumerable.Range(0, 4).Select(_ => queue.Evict()));
        Assert.Throws<InvalidOperationException>(() => queue.Evict());
    }

    [Fact]
    public void A_block_keeps_the_highest_priority_that_used_it_while_cached()
    {
        var queue = new KvEvictionQueue<int>();
        queue.Add(1, 9);     // released by a priority-9 request
        queue.Remove(1);     // reused by a low-priority one...
        queue.Add(1, 0);     // ...which releases it: still a priority-9 block
        queue.Add(2, 3);
        Assert.Equal(2, queue.Evict());
        Assert.Equal(1, queue.Evict());

        queue.Add(1, 0);     // evicted and cached again: its old priority is gone
        queue.Add(3, 1);
        Assert.Equal(1, queue.Evict());
    }

    [Theory]
    [InlineData(null, null, 0)]
    [InlineData(3, null, 3)]
    [InlineData(3, 0.2, 4)]
    [InlineData(null, 2.0, 2)]
    [InlineData(1, -1.0, 1)]
    public void Latency_sensitivity_raises_the_effective_priority(int? priority, double? latencySensitivity, int expected) =>
        Assert.Equal(expected, new RequestMetadata(null, new AgentHints(priority, null, null, latencySensitivity)).Priority);
}
