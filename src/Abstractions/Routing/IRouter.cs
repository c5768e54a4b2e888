using Dynamo.Abstractions.KvCache;

namespace Dynamo.Abstractions.Routing;

/// <summary>
/// Chooses the worker for a request. One instance per model; the host feeds it every worker's
/// KV events and tells it when a routed request ends, so it can keep its own view of load and cache.
/// </summary>
public interface IRouter
{
    /// <summary>Picks a worker from <paramref name="workers"/> (never empty).</summary>
    ValueTask<RoutingDecision> RouteAsync(
        RoutingRequest request,
        IReadOnlyList<WorkerSnapshot> workers,
        CancellationToken cancellationToken);

    /// <summary>A worker's KV cache changed.</summary>
    void OnKvEvent(string workerId, KvCacheEvent kvEvent) { }

    /// <summary>
    /// A routed request has generated <paramref name="generatedTokens"/> tokens so far (told at its
    /// first tokens, when its prefill is done, then once per KV block of output), so an estimate of
    /// its prefill can end and one built on its expected length (<c>osl</c>) can shrink.
    /// </summary>
    void OnRequestProgress(string workerId, string requestId, int generatedTokens) { }

    /// <summary>A request routed by this router finished (any way) on <paramref name="workerId"/>.</summary>
    void OnRequestFinished(string workerId, string requestId) { }

    /// <summary>A worker left; forget what is known of it.</summary>
    void OnWorkerRemoved(string workerId) { }
}
