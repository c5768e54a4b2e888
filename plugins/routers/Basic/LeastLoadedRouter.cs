using Dynamo.Abstractions.Routing;

namespace Dynamo.Routers.Basic;

/// <summary>
/// Each request to the worker with the fewest requests this router has sent and not seen finish
/// (exact, and current even in a burst), then the fewest active and waiting requests the worker
/// reports (other frontends' work), then the fewest active KV blocks.
/// </summary>
internal sealed class LeastLoadedRouter : IRouter
{
    private readonly Dictionary<string, int> _inFlight = [];
    private readonly Dictionary<string, string> _requests = [];
    private readonly Lock _lock = new();

    public ValueTask<RoutingDecision> RouteAsync(RoutingRequest request, IReadOnlyList<WorkerSnapshot> workers, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var best = workers.MinBy(w => (_inFlight.GetValueOrDefault(w.WorkerId), w.Load.ActiveRequests + w.Load.WaitingRequests, w.Load.ActiveKvBlocks))!;
            _inFlight[best.WorkerId] = _inFlight.GetValueOrDefault(best.WorkerId) + 1;
            _requests[request.RequestId] = best.WorkerId;
            return ValueTask.FromResult(new RoutingDecision(best.WorkerId));
        }
    }

    public void OnRequestFinished(string workerId, string requestId)
    {
        lock (_lock)
            if (_requests.Remove(requestId) && _inFlight.TryGetValue(workerId, out var count))
                _inFlight[workerId] = Math.Max(0, count - 1);
    }

    public void OnWorkerRemoved(string workerId)
    {
        lock (_lock)
            _inFlight.Remove(workerId);
    }
}
