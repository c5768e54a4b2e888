namespace Dynamo.Planner;

/// <summary>How the planner decides (Dynamo's planner modes).</summary>
public enum PlannerMode
{
    /// <summary>Predictive: the predicted load through the profile, against the TTFT and ITL targets.</summary>
    Throughput,

    /// <summary>Reactive: the workers' queue depth and KV utilisation against thresholds.</summary>
    Load,

    /// <summary>Both, taking the larger count for each pool.</summary>
    Both,
}
