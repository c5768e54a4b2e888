using System.Collections.Concurrent;
using Dynamo.Host.Models;
using Dynamo.Host.Pipeline;
using Dynamo.Host.Tracing;
using Prometheus;

namespace Dynamo.Host.Metrics;

/// <summary>
/// The frontend's Prometheus metrics, with Dynamo's names. Each host owns its registry, so
/// several hosts in one process (tests) do not share counts.
/// </summary>
internal sealed class FrontendMetrics
{
    private readonly TimeProvider _clock;
    private readonly AgentTracer? _tracer;

    public FrontendMetrics(TimeProvider clock, AgentTracer? tracer = null)
    {
        (_clock, _tracer) = (clock, tracer);
        if (tracer is null)
            return;
        var dropped = Factory.CreateGauge("dynamo_agent_trace_dropped_events", "Agent trace events dropped because the trace queue was full.");
        var written = Factory.CreateGauge("dynamo_agent_trace_written_events", "Agent trace events written to the sink.");
        Registry.AddBeforeCollectCallback(() =>
        {
            dropped.Set(tracer.Dropped);
            written.Set(tracer.Written);
        });
    }

    private static readonly double[] LatencyBuckets = Prometheus.Histogram.ExponentialBuckets(0.0005, 2, 18);
    private static readonly double[] TokenBuckets = Prometheus.Histogram.ExponentialBuckets(1, 2, 18);

    public CollectorRegistry Registry { get; } = Prometheus.Metrics.NewCustomRegistry();

    private MetricFactory Factory => Prometheus.Metrics.WithCustomRegistry(Registry);

    public Counter Requests => field ??= Factory.CreateCounter("dynamo_frontend_requests_total",
        "Requests handled, by model, endpoint, request type (stream/unary) and status (success/error).",
        "model", "endpoint", "request_type", "status");

    public Gauge Inflight => field ??= Factory.CreateGauge("dynamo_frontend_inflight_requests", "Requests being handled now.", "model");

    public Histogram Duration => field ??= NewHistogram("dynamo_frontend_request_duration_seconds", "Time from request received to last byte.", LatencyBuckets);

    public Histogram TimeToFirstToken => field ??= NewHistogram("dynamo_frontend_time_to_first_token_seconds", "Time from request received to the first generated token.", LatencyBuckets);

    public Histogram InterTokenLatency => field ??= NewHistogram("dynamo_frontend_inter_token_latency_seconds", "Time between successive generated tokens, per token.", LatencyBuckets);

    public Histogram InputTokens => field ??= NewHistogram("dynamo_frontend_input_sequence_tokens", "Prompt length in tokens.", TokenBuckets);

    public Histogram OutputTokens => field ??= NewHistogram("dynamo_frontend_output_sequence_tokens", "Generated length in tokens.", TokenBuckets);

    /// <summary>Gauges read from the models at scrape time: queue depth, bound sessions, and each worker's held session KV.</summary>
    public void Observe(ModelRegistry registry)
    {
        var queued = Factory.CreateGauge("dynamo_frontend_queued_requests", "Requests waiting for a busy worker (BusyThreshold).", "model");
        var sessions = Factory.CreateGauge("dynamo_frontend_bound_sessions", "Sessions routed to one worker (session_control bind/open).", "model");
        var held = Factory.CreateGauge("dynamo_worker_held_session_tokens", "Tokens of KV a worker holds for open sessions.", "model", "worker");
        Registry.AddBeforeCollectCallback(() =>
        {
            foreach (var model in registry.Models)
            {
                queued.WithLabels(model.Name).Set(model.QueueDepth);
                sessions.WithLabels(model.Name).Set(model.BoundSessions);
                foreach (var worker in model.Workers)
                    held.WithLabels(model.Name, worker.WorkerId).Set(worker.Load.HeldSessionTokens);
            }
        });
    }

    private readonly ConcurrentDictionary<string, ModelMetrics> _models = new(StringComparer.Ordinal);

    public RequestMetrics Start(PreprocessedRequest request, string endpoint, string? xRequestId) =>
        new(_models.GetOrAdd(request.Model.Name, m => new ModelMetrics(this, m)), _clock, endpoint, request.Stream, request.Engine, xRequestId, _tracer);

    private Histogram NewHistogram(string name, string help, double[] buckets) =>
        Factory.CreateHistogram(name, help, new HistogramConfiguration
        {
            LabelNames = ["model"],
            Buckets = buckets,
            ExemplarBehavior = ExemplarBehavior.NoExemplars(),
        });
}
