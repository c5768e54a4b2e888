using System.Diagnostics.Metrics;
using Dynamo.Abstractions.Engines;
using Dynamo.Runtime.Workers;

namespace Dynamo.Runtime.Metrics;

/// <summary>Each worker's load as gauges (labels <c>model</c>, <c>worker</c>), read when metrics are collected.</summary>
internal static class WorkerMetrics
{
    public const string MeterName = "Dynamo.Worker";

    public static void Register(IMeterFactory meters, Func<IEnumerable<(string Model, IWorker Worker)>> workers)
    {
        var meter = meters.Create(MeterName);
        Gauge(meter, workers, "dynamo_worker_active_requests", "Requests a worker's engine is running now.", l => l.ActiveRequests);
        Gauge(meter, workers, "dynamo_worker_waiting_requests", "Requests queued in a worker's engine.", l => l.WaitingRequests);
        Gauge(meter, workers, "dynamo_worker_active_kv_blocks", "KV blocks in use by a worker's running requests.", l => l.ActiveKvBlocks);
        Gauge(meter, workers, "dynamo_worker_queued_prefill_tokens", "Prompt tokens a worker still has to prefill.", l => l.QueuedPrefillTokens);
        Gauge(meter, workers, "dynamo_worker_held_session_tokens", "Tokens of KV a worker holds for open sessions.", l => l.HeldSessionTokens);
    }

    private static void Gauge(Meter meter, Func<IEnumerable<(string Model, IWorker Worker)>> workers, string name, string description, Func<EngineLoad, long> value) =>
        meter.CreateObservableGauge(name, () => workers().Select(w =>
            new Measurement<long>(value(w.Worker.Load), new("model", w.Model), new("worker", w.Worker.WorkerId))), description: description);
}
