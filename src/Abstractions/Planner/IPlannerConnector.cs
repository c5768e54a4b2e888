namespace Dynamo.Abstractions.Planner;

/// <summary>
/// Carries out the planner's decisions on a worker pool (<c>aggregated</c>, <c>prefill</c> or <c>decode</c>):
/// processes on this machine, a Kubernetes Deployment's replicas, or nothing but a record.
/// </summary>
public interface IPlannerConnector : IAsyncDisposable
{
    /// <summary>The pool's replicas now, as the connector sees them.</summary>
    ValueTask<int> GetReplicasAsync(string pool, CancellationToken cancellationToken);

    /// <summary>
    /// Asks for <paramref name="replicas"/> workers in the pool. Scaling down drains a worker first: it takes
    /// no new work, its requests finish or migrate, then it exits.
    /// </summary>
    ValueTask SetReplicasAsync(string pool, int replicas, CancellationToken cancellationToken);
}
