using Microsoft.Extensions.Configuration;

namespace Dynamo.Planner;

/// <summary>
/// One entry of <c>Dynamo:Planner:Pools</c>: the bounds of a pool's replicas. The section is free-form beyond
/// these: its other keys are the connector's (a Deployment's name, a worker's arguments), and the connector
/// sees them as <c>Pools:&lt;pool&gt;:…</c> in its own options.
/// </summary>
/// <param name="Options">The pool's whole section.</param>
public sealed record PoolOptions(string Name, int MinReplicas, int MaxReplicas, IConfigurationSection Options)
{
    public const int DefaultMinReplicas = 1;
}
