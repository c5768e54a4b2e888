using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.Requests;
using Dynamo.Abstractions.Routing;
using Dynamo.Routers.Basic;

namespace Dynamo.Routers.Tests;

public sealed class BasicRoutersTests
{
    private static WorkerSnapshot Worker(string id, int active, int blocks) => new(id, new EngineDescriptor(16, 100, 1024, 8), new EngineLoad(active, 0, blocks, 0));

    private static RoutingRequest Request(string id) => new(id, [1, 2, 3], RequestMetadata.Empty);

    [Fact]
    public async Task RandomWithASeedIsReproducibleAndReachesEveryWorker()
    {
        WorkerSnapshot[] workers = [Worker("a", 0, 0), Worker("b", 0, 0), Worker("c", 0, 0)];
        async Task<List<string>> Picks(int seed)
        {
            var router = new RandomRouter(new Random(seed));
            var picks = new List<string>();
            for (var i = 0; i < 30; i++)
                picks.Add((await router.RouteAsync(Request($"r{i}"), workers, default)).WorkerId);
            return picks;
        }
        Assert.Equal(await Picks(7), await Picks(7));
        Assert.Equal(3, (await Picks(7)).Distinct().Count());
    }

    [Fact]
    public async Task LeastLoadedSpreadsABurstByWhatItSentUntilItFinishes()
    {
        var router = new LeastLoadedRouter();
        // Snapshots that lag behind: they never show what the router just sent.
        WorkerSnapshot[] workers = [Worker("a", 2, 10), Worker("b", 1, 50), Worker("c", 1, 20)];
        async Task<string> Route(string id) => (await router.RouteAsync(Request(id), workers, default)).WorkerId;
        Assert.Equal("c", await Route("1"));   // none in flight: fewest reported requests, then fewest blocks
        Assert.Equal("b", await Route("2"));   // c has one in flight
        Assert.Equal("a", await Route("3"));
        router.OnRequestFinished("c", "1");
        Assert.Equal("c", await Route("4"));
    }
}
