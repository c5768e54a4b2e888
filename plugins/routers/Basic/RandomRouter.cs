using Dynamo.Abstractions.Routing;

namespace Dynamo.Routers.Basic;

/// <summary>Each request to a worker picked uniformly at random (the generator is injected, so tests can fix it).</summary>
internal sealed class RandomRouter(Random random) : IRouter
{
    private readonly Lock _lock = new();

    public ValueTask<RoutingDecision> RouteAsync(RoutingRequest request, IReadOnlyList<WorkerSnapshot> workers, CancellationToken cancellationToken)
    {
        int index;
        lock (_lock)
            index = random.Next(workers.Count);
        return ValueTask.FromResult(new RoutingDecision(workers[index].WorkerId));
    }
}
