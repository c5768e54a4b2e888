namespace Dynamo.Planner;

/// <summary>
/// <c>Dynamo:Planner:Load</c>, the reactive (<c>load</c>) mode's thresholds, per worker of a pool. A pool grows
/// when its mean over the interval is above a high mark and shrinks by one when it stayed below both low
/// marks for the whole interval.
/// </summary>
public sealed class LoadThresholds
{
    /// <summary>Requests waiting per worker (theirs, and the frontend's queue for the pool it routes to) above which the pool grows.</summary>
    public double QueueDepthHigh { get; set; } = 2;

    /// <summary>Requests waiting per worker below which the pool may shrink.</summary>
    public double QueueDepthLow { get; set; } = 0.25;

    /// <summary>Share of the pool's KV blocks in use above which it grows.</summary>
    public double KvUtilizationHigh { get; set; } = 0.8;

    /// <summary>Share of the pool's KV blocks in use below which it may shrink.</summary>
    public double KvUtilizationLow { get; set; } = 0.3;
}
