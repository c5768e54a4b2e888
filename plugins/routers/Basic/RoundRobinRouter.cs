using Dynamo.Abstractions.Routing;

namespace Dynamo.Routers.Basic;

/// <summary>Each request to the next worker in turn, ignoring load and cache.</summary>
internal sealed class RoundRobinRouter : IRouter
{
    private long _next = -1;

    public ValueTask<RoutingDecision> RouteAsync(RoutingRequest request, IReadOnlyList<WorkerSnapshot> workers, CancellationToken cancellationToken)
    {
        var index = (int)((ulong)Interlocked.Increment(ref _next) % (ulong)workers.Count);
        return ValueTask.FromResult(new RoutingDecision(workers[index].WorkerId));
    }
}
