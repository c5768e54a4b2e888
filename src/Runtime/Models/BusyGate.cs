using Dynamo.Runtime.Configuration;
using Dynamo.Runtime.Workers;

namespace Dynamo.Runtime.Models;

/// <summary>
/// A model's busy thresholds, changeable at run time (<c>POST /busy_threshold</c>), applied to the
/// load each worker reports: a worker is busy when it is over any threshold that is set.
/// </summary>
internal sealed class BusyGate(BusyThresholds? thresholds)
{
    private BusyThresholds _thresholds = thresholds ?? BusyThresholds.None;

    public BusyThresholds Thresholds
    {
        get => Volatile.Read(ref _thresholds);
        set => Volatile.Write(ref _thresholds, value);
    }

    public bool IsBusy(IWorker worker) => IsBusy(worker, Thresholds);

    /// <summary>Whether there are workers and every one is busy.</summary>
    public bool AllBusy(IReadOnlyList<IWorker> workers)
    {
        var t = Thresholds;
        return t.Any && workers.Count > 0 && workers.All(w => IsBusy(w, t));
    }

    private static bool IsBusy(IWorker worker, BusyThresholds t)
    {
        if (!t.Any)
            return false;
        var (load, descriptor) = (worker.Load, worker.Descriptor);
        return (t.ActiveDecodeBlocks is { } share && load.ActiveKvBlocks > share * descriptor.KvCapacityBlocks)
            || (t.ActivePrefillTokens is { } tokens && load.QueuedPrefillTokens > tokens)
            || (t.ActivePrefillTokensFrac is { } frac && load.QueuedPrefillTokens > frac * descriptor.MaxContextLength);
    }
}
