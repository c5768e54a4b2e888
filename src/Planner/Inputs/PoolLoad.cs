namespace Dynamo.Planner.Inputs;

/// <summary>
/// A pool's load over one interval, from the samples taken during it: requests waiting and KV blocks in use,
/// per worker, as the interval's mean and maximum.
/// </summary>
/// <param name="Workers">Workers reporting at the last sample.</param>
/// <param name="MeanQueuePerWorker">Requests waiting for admission, per worker.</param>
/// <param name="MeanKvUtilization">KV blocks in use over the pool's capacity.</param>
/// <param name="MeanQueuedPrefillTokens">Prompt tokens still to prefill, per worker.</param>
/// <param name="Samples">How many samples the interval had.</param>
internal sealed record PoolLoad(
    int Workers,
    double MeanQueuePerWorker,
    double MaxQueuePerWorker,
    double MeanKvUtilization,
    double MaxKvUtilization,
    double MeanQueuedPrefillTokens,
    int Samples)
{
    /// <summary>The same with the frontend's queue (requests no worker took yet) spread over the pool's workers.</summary>
    public PoolLoad WithFrontendQueue(double queued) => Workers == 0 || queued <= 0 ? this : this with
    {
        MeanQueuePerWorker = MeanQueuePerWorker + queued / Workers,
        MaxQueuePerWorker = MaxQueuePerWorker + queued / Workers,
    };
}
