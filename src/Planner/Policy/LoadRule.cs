using Dynamo.Planner.Inputs;

namespace Dynamo.Planner.Policy;

/// <summary>
/// The load mode, reactive: a pool whose mean waiting requests or KV utilisation per worker over the interval
/// was above its high mark grows in proportion (at least by one); one that stayed below both low marks for the
/// whole interval (its maximum) shrinks by one. Otherwise it keeps its count.
/// </summary>
internal static class LoadRule
{
    /// <returns>The replicas the pool needs, or null when nothing is known of it.</returns>
    public static int? Replicas(int current, PoolLoad? load, double frontendQueue, LoadThresholds thresholds)
    {
        if (load is null || load.Workers == 0 || load.Samples == 0)
            // No worker reports: only requests waiting for one say anything.
            return frontendQueue > 0 ? Math.Max(current, 1) : null;
        load = load.WithFrontendQueue(frontendQueue);
        var pressure = Math.Max(load.MeanQueuePerWorker / thresholds.QueueDepthHigh, load.MeanKvUtilization / thresholds.KvUtilizationHigh);
        if (pressure > 1)
            return Math.Max(current + 1, (int)Math.Ceiling(load.Workers * pressure));
        // Shrinking is judged only on a pool whose every asked-for worker is reporting.
        if (load.MaxQueuePerWorker < thresholds.QueueDepthLow && load.MaxKvUtilization < thresholds.KvUtilizationLow && load.Workers >= current && current > 0)
            return current - 1;
        return current;
    }
}
