using System.Text.Json;
using System.Diagnostics.Metrics;
using Dynamo.Runtime.Models;
using Dynamo.Runtime.Pipeline;
using Dynamo.Runtime.Tracing;

namespace Dynamo.Runtime.Metrics;

/// <summary>
/// The frontend's instruments, with Dynamo's metric names, on the meter <see cref="MeterName"/>.
/// The runtime only records; whoever hosts it exports (Prometheus text, OTLP).
/// </summary>
internal sealed class FrontendMetrics
{
    public const string MeterName = "Dynamo.Frontend";

    private static readonly double[] LatencyBuckets = Exponential(0.0005, 2, 18);
    private static readonly int[] TokenBuckets = [.. Exponential(1, 2, 18).Select(b => (int)b)];

    private readonly TimeProvider _clock;
    private readonly RequestTracer? _tracer;

    public FrontendMetrics(IMeterFactory meters, ModelRegistry registry, TimeProvider clock, RequestTracer? tracer = null)
    {
        (_clock, _tracer) = (clock, tracer);
        var meter = meters.Create(MeterName);
        Requests = meter.CreateCounter<long>("dynamo_frontend_requests_total", description: "Requests handled, by model, endpoint, request type (stream/unary) and status (success/error).");
        Inflight = meter.CreateUpDownCounter<long>("dynamo_frontend_inflight_requests", description: "Requests being handled now.");
        Duration = Histogram(meter, "dynamo_frontend_request_duration_seconds", "s", "Time from request received to last byte.", LatencyBuckets);
        TimeToFirstToken = Histogram(meter, "dynamo_frontend_time_to_first_token_seconds", "s", "Time from request received to the first generated token.", LatencyBuckets);
        InterTokenLatency = Histogram(meter, "dynamo_frontend_inter_token_latency_seconds", "s", "Time between successive generated tokens, per token.", LatencyBuckets);
        InputTokens = Histogram(meter, "dynamo_frontend_input_sequence_tokens", null, "Prompt length in tokens.", TokenBuckets);
        OutputTokens = Histogram(meter, "dynamo_frontend_output_sequence_tokens", null, "Generated length in tokens.", TokenBuckets);
        CachedTokens = meter.CreateCounter<long>("dynamo_frontend_cached_tokens_total", description: "Prompt tokens workers found in their KV cache (or a tier) instead of prefilling.");
        Migrations = meter.CreateCounter<long>("dynamo_frontend_migrations_total", description: "Requests moved to another worker after theirs was lost mid-stream.");
        _rejected = meter.CreateCounter<long>("dynamo_frontend_rejected_requests_total", description: "Requests answered with an error, by reason (invalid_request, unauthorized, not_found, too_large, unavailable, internal).");

        // Read from the models at collection time.
        meter.CreateObservableGauge("dynamo_frontend_queued_requests", () => PerModel(registry, m => m.QueueDepth),
            description: "Requests waiting for a busy worker (BusyThreshold).");
        meter.CreateObservableGauge("dynamo_frontend_bound_sessions", () => PerModel(registry, m => m.BoundSessions),
            description: "Sessions routed to one worker (session_control bind/open).");
        meter.CreateObservableGauge("dynamo_frontend_model_workers", () => PerModel(registry, m => m.Workers.Count),
            description: "Live workers per model (a failed or lost worker leaves).");
        meter.CreateObservableCounter("dynamo_frontend_worker_failures_total", () => PerModel(registry, m => m.FailedWorkers),
            description: "Workers taken out of routing because their engine failed.");
        WorkerMetrics.Register(meters, () => registry.Models.SelectMany(m => m.Workers.Select(w => (m.Name, w))));
    }

    public Counter<long> Requests { get; }

    public UpDownCounter<long> Inflight { get; }

    public Histogram<double> Duration { get; }

    public Histogram<double> TimeToFirstToken { get; }

    public Histogram<double> InterTokenLatency { get; }

    public Histogram<int> InputTokens { get; }

    public Histogram<int> OutputTokens { get; }

    public Counter<long> CachedTokens { get; }

    public Counter<long> Migrations { get; }

    private readonly Counter<long> _rejected;

    /// <summary>A request was answered with an error of this kind.</summary>
    public void Rejected(Errors.RequestErrorKind kind) => _rejected.Add(1, new KeyValuePair<string, object?>("reason", JsonNamingPolicy.SnakeCaseLower.ConvertName(kind.ToString())));

    public RequestMetrics Start(PreparedRequest request, RequestInfo info, RouteRecord? route) => new(this, _clock, info, request.ModelName, request.Engine, _tracer, route);

    private static IEnumerable<Measurement<int>> PerModel(ModelRegistry registry, Func<ServedModel, int> value) =>
        registry.Models.Select(m => new Measurement<int>(value(m), new KeyValuePair<string, object?>("model", m.Name)));

    private static Histogram<T> Histogram<T>(Meter meter, string name, string? unit, string description, IReadOnlyList<T> buckets) where T : struct =>
        meter.CreateHistogram(name, unit, description, tags: null, new InstrumentAdvice<T> { HistogramBucketBoundaries = buckets });

    private static double[] Exponential(double start, double factor, int count) =>
        [.. Enumerable.Range(0, count).Select(i => start * Math.Pow(factor, i))];
}
