using Dynamo.Abstractions.Engines;
using Dynamo.Planner.Inputs;

namespace Dynamo.Planner.Tests.Inputs;

public sealed class PoolLoadWindowTests
{
    private static WorkerLoadSample Worker(string id, string pool, int waiting, int activeBlocks, string model = "m", int capacity = 100, long prefill = 0) =>
        new(id, model, pool, capacity, new EngineLoad(0, waiting, activeBlocks, prefill));

    [Fact]
    public void Each_pool_s_interval_is_its_mean_and_its_peak_per_worker()
    {
        var window = new PoolLoadWindow("m");
        window.Add([Worker("a", "decode", 0, 10), Worker("b", "decode", 2, 30), Worker("p", "prefill", 1, 0, prefill: 800)]);
        window.Add([Worker("a", "decode", 4, 50), Worker("b", "decode", 6, 70), Worker("p", "prefill", 0, 0), Worker("x", "decode", 9, 99, model: "other")]);

        var loads = window.Take();

        var decode = loads["decode"];
        Assert.Equal((2, 2), (decode.Workers, decode.Samples));
        Assert.Equal(3, decode.MeanQueuePerWorker);     // (1 + 5) / 2
        Assert.Equal(5, decode.MaxQueuePerWorker);
        Assert.Equal(0.4, decode.MeanKvUtilization, 9); // (0.2 + 0.6) / 2
        Assert.Equal(0.6, decode.MaxKvUtilization, 9);
        Assert.Equal(400, loads["prefill"].MeanQueuedPrefillTokens);
        Assert.Empty(window.Take());
    }

    [Fact]
    public void The_frontend_queue_is_spread_over_the_pool_s_workers()
    {
        var load = new PoolLoad(4, 1, 2, 0.5, 0.5, 0, 10);

        Assert.Equal((3.0, 4.0), (load.WithFrontendQueue(8).MeanQueuePerWorker, load.WithFrontendQueue(8).MaxQueuePerWorker));
        Assert.Same(load, load.WithFrontendQueue(0));
    }
}
