using Dynamo.Runtime.Models;

namespace Dynamo.Runtime.Tests.Pipeline;

/// <summary>The frontend's priority queue in front of busy workers, on constructed states.</summary>
public sealed class AdmissionQueueTests
{
    [Fact]
    public async Task When_every_worker_is_busy_the_highest_strict_tier_goes_next_then_the_highest_priority_then_the_earliest()
    {
        var queue = new AdmissionQueue(busyThreshold: 1, workerCount: () => 2);
        var running = new[] { await queue.EnterAsync(0, 0, default), await queue.EnterAsync(0, 0, default) };
        var order = new List<string>();
        Task Wait(string name, int priority, int strict = 0) => queue.EnterAsync(strict, priority, default).AsTask().ContinueWith(t => { lock (order) order.Add(name); return t.Result; })
            .ContinueWith(t => t.Result.Dispose());
        var low1 = Wait("low-1", 0);
        var low2 = Wait("low-2", 0);
        var high = Wait("high", 5);
        var mid = Wait("mid", 2);
        var tier = Wait("tier-1", -3, strict: 1);
        await WaitForDepth(queue, 5);

        running[0].Dispose();
        await Task.WhenAll(low1, low2, high, mid, tier);
        running[1].Dispose();

        // One slot frees at a time; each waiter releases its slot at once, letting the next through.
        // A higher strict tier beats any priority below it.
        Assert.Equal(["tier-1", "high", "mid", "low-1", "low-2"], order);
        Assert.Equal(0, queue.Depth);
    }

    [Fact]
    public async Task A_cancelled_waiter_leaves_the_queue_and_takes_no_slot()
    {
        var queue = new AdmissionQueue(busyThreshold: 1, workerCount: () => 1);
        var running = await queue.EnterAsync(0, 0, default);
        using var cancel = new CancellationTokenSource();
        var waiting = queue.EnterAsync(0, 9, cancel.Token).AsTask();
        await WaitForDepth(queue, 1);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);

        running.Dispose();
        using var next = await queue.EnterAsync(0, 0, default).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_worker_joining_makes_room_for_the_waiters()
    {
        var workers = 1;
        var queue = new AdmissionQueue(busyThreshold: 1, workerCount: () => workers);
        using var running = await queue.EnterAsync(0, 0, default);
        var waiting = queue.EnterAsync(0, 0, default).AsTask();
        await WaitForDepth(queue, 1);
        workers = 2;
        using var admitted = await waiting.WaitAsync(TimeSpan.FromSeconds(5));
    }

    private static async Task WaitForDepth(AdmissionQueue queue, int depth)
    {
        for (var i = 0; queue.Depth < depth && i < 500; i++)
            await Task.Delay(10);
        Assert.Equal(depth, queue.Depth);
    }
}
