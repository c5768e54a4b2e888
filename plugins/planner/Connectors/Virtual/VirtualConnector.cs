using Dynamo.Abstractions.Planner;
using Microsoft.Extensions.Logging;

namespace Dynamo.Planner.Connectors.Virtual;

/// <summary>
/// Keeps each pool's replicas in memory and logs every change; starts and stops nothing. A pool it has
/// not been told about has its initial count.
/// </summary>
internal sealed class VirtualConnector(IReadOnlyDictionary<string, int> initial, int defaultInitial, TimeProvider clock, ILogger logger) : IPlannerConnector
{
    private readonly Dictionary<string, int> _replicas = new(initial, StringComparer.Ordinal);
    private readonly List<ReplicaChange> _changes = [];
    private readonly Lock _lock = new();

    /// <summary>Every change asked for, in order.</summary>
    public IReadOnlyList<ReplicaChange> Changes
    {
        get
        {
            lock (_lock)
                return [.. _changes];
        }
    }

    public ValueTask<int> GetReplicasAsync(string pool, CancellationToken cancellationToken)
    {
        lock (_lock)
            return ValueTask.FromResult(_replicas.GetValueOrDefault(pool, defaultInitial));
    }

    public ValueTask SetReplicasAsync(string pool, int replicas, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(replicas);
        int before;
        lock (_lock)
        {
            before = _replicas.GetValueOrDefault(pool, defaultInitial);
            if (before == replicas)
                return ValueTask.CompletedTask;
            _replicas[pool] = replicas;
            _changes.Add(new ReplicaChange(clock.GetUtcNow(), pool, before, replicas));
        }
        logger.LogInformation("Virtual connector: pool {Pool} {Before} -> {After} replicas (recorded only)", pool, before, replicas);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
