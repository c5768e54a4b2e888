namespace Dynamo.Runtime.Models;

/// <summary>What happened to a request between the frontend and its workers, for tracing and speculative prefill.</summary>
internal sealed class RouteRecord
{
    /// <summary>Requests waiting in the admission queue when this one arrived.</summary>
    public int QueueDepth { get; set; }

    /// <summary>Time spent in the admission queue and the router, before the worker had it.</summary>
    public TimeSpan RouteWait { get; set; }

    /// <summary>The worker that produced the last tokens (after any migration).</summary>
    public string? WorkerId { get; set; }

    public int Migrations { get; set; }

    /// <summary>The prefill worker, when the prompt was prefilled on another worker than the one decoding it.</summary>
    public string? PrefillWorkerId { get; set; }

    /// <summary>The KV transfer's estimated time (bytes over the configured bandwidth), in ms, when there was one.</summary>
    public double? KvTransferEstimateMs { get; set; }

    /// <summary>The KV block size of the worker that has the request (for the trace's replay hashes).</summary>
    public int BlockSize { get; set; }

    /// <summary>Each routing decision (one per attempt) and when it was made, in Unix ms; null unless the request trace records them.</summary>
    public List<(long UnixMs, Tracing.RouterSelectionTrace Selection)>? Selections { get; set; }

    /// <summary>A worker to send the request to if it still serves (a choice of <c>n</c> goes where the first one's prefill is cached).</summary>
    public string? PreferredWorker { get; init; }

    /// <summary>Completes with the worker's id when the first tokens arrive (the prompt is prefilled and cached there).</summary>
    public TaskCompletionSource<string> FirstOutput { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
