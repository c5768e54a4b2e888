using System.Diagnostics;
using Dynamo.Abstractions.Engines;
using Dynamo.Runtime.Models;
using Dynamo.Runtime.Pipeline;
using Dynamo.Runtime.Tracing;

namespace Dynamo.Runtime.Metrics;

/// <summary>
/// One request's contribution to the frontend's telemetry: inflight while alive, then counted once
/// in the metrics, the agent trace (when on) and its OpenTelemetry span.
/// </summary>
internal sealed class RequestMetrics : IDisposable
{
    private readonly FrontendMetrics _metrics;
    private readonly TimeProvider _clock;
    private readonly RequestInfo _info;
    private readonly KeyValuePair<string, object?> _model;
    private readonly EngineRequest _request;
    private readonly RequestTracer? _tracer;
    private readonly Activity? _activity;
    private readonly long _started;
    private readonly long _receivedUnixMs;
    private long _firstToken;
    private long _lastToken;
    private int _tokens;
    private EngineUsage? _usage;
    private string _status = "error";
    private FinishReason? _backendFinish;
    private string? _stopReason;
    private List<ToolCallTrace>? _toolCalls;
    private bool _disposed;

    public RequestMetrics(FrontendMetrics metrics, TimeProvider clock, RequestInfo info, string model, EngineRequest request, RequestTracer? tracer, RouteRecord? route)
    {
        (_metrics, _clock, _info, _model, _request, _tracer) = (metrics, clock, info, new("model", model), request, tracer);
        Route = route ?? new RouteRecord();
        if (tracer?.Wants(TraceRecordKinds.RouterSelection) == true)
            Route.Selections ??= [];
        _started = clock.GetTimestamp();
        _receivedUnixMs = clock.GetUtcNow().ToUnixTimeMilliseconds();
        metrics.Inflight.Add(1, _model);
        _activity = RequestTracer.Source.StartActivity(info.Endpoint, ActivityKind.Server);
        _activity?.SetTag("gen_ai.request.model", model);
        _activity?.SetTag("dynamo.request_id", request.RequestId);
        _activity?.SetTag("dynamo.agent.session_id", request.Metadata.AgentContext?.SessionId);
        _activity?.SetTag("dynamo.agent.trajectory_id", request.Metadata.AgentContext?.TrajectoryId);
    }

    private string Model => (string)_model.Value!;

    /// <summary>Filled by the model as the request is queued, routed and migrated.</summary>
    public RouteRecord Route { get; }

    /// <summary>The engine produced <paramref name="count"/> tokens now.</summary>
    public void Tokens(int count)
    {
        if (count == 0)
            return;
        var now = _clock.GetTimestamp();
        if (_lastToken == 0)
        {
            _firstToken = now;
            _metrics.TimeToFirstToken.Record(_clock.GetElapsedTime(_started, now).TotalSeconds, _model);
        }
        else
        {
            var perToken = _clock.GetElapsedTime(_lastToken, now).TotalSeconds / count;
            for (var i = 0; i < count; i++)
                _metrics.InterTokenLatency.Record(perToken, _model);
        }
        _lastToken = now;
        _tokens += count;
    }

    /// <summary>The engine's finish reason, and the stop string that ended the output when one did.</summary>
    public void Finished(FinishReason backendFinish, string? stopReason) => (_backendFinish, _stopReason) = (backendFinish, stopReason);

    /// <summary>The postprocessor found a tool call (its index within the response, its id and name; never its arguments).</summary>
    public void ToolCall(int index, string? id, string? name) =>
        (_toolCalls ??= []).Add(new ToolCallTrace(0, index, id, name));

    public void Succeeded(EngineUsage usage)
    {
        _status = "success";
        _usage = usage;
        _metrics.InputTokens.Record(usage.PromptTokens, _model);
        _metrics.OutputTokens.Record(usage.CompletionTokens, _model);
        _metrics.CachedTokens.Add(usage.CachedTokens, _model);
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        var total = _clock.GetElapsedTime(_started);
        _metrics.Inflight.Add(-1, _model);
        _metrics.Requests.Add(1, new TagList { _model, { "endpoint", _info.Endpoint }, { "request_type", _info.Stream ? "stream" : "unary" }, { "status", _status } });
        _metrics.Duration.Record(total.TotalSeconds, _model);
        _metrics.Migrations.Add(Route.Migrations, _model);
        var trace = _tracer is null && _activity is null ? null : Trace(total);
        if (_tracer is not null)
        {
            var context = _request.Metadata.AgentContext;
            foreach (var (at, selection) in Route.Selections ?? [])
                _tracer.Record(new TraceEvent(TraceRecordKinds.RouterSelection, at, "dynamo", context, RouterSelection: selection));
            _tracer.Record(new TraceEvent(TraceRecordKinds.RequestEnd, _receivedUnixMs + (long)Math.Round(total.TotalMilliseconds), "dynamo", context, trace));
        }
        if (_activity is { } activity)
        {
            activity.SetTag("gen_ai.usage.input_tokens", trace!.InputTokens);
            activity.SetTag("gen_ai.usage.output_tokens", trace.OutputTokens);
            activity.SetTag("dynamo.cached_tokens", trace.CachedTokens);
            activity.SetTag("dynamo.ttft_ms", trace.TtftMs);
            activity.SetTag("dynamo.worker_id", trace.Worker?.WorkerId);
            activity.SetStatus(_status == "success" ? ActivityStatusCode.Ok : ActivityStatusCode.Error);
            activity.Dispose();
        }
    }

    private RequestTrace Trace(TimeSpan total)
    {
        var input = _usage?.PromptTokens ?? _request.TokenIds.Count;
        var cached = _usage?.CachedTokens ?? 0;
        double? ttft = _firstToken == 0 ? null : _clock.GetElapsedTime(_started, _firstToken).TotalMilliseconds;
        double? itl = _tokens > 1 ? _clock.GetElapsedTime(_firstToken, _lastToken).TotalMilliseconds / (_tokens - 1) : null;
        var wait = Route.RouteWait.TotalMilliseconds;
        return new RequestTrace(_request.RequestId, _info.XRequestId, Model, _status, input, _usage?.CompletionTokens ?? _tokens, cached,
            _receivedUnixMs, wait, ttft - wait, ttft, total.TotalMilliseconds, itl, input == 0 ? 0 : (double)cached / input, Route.QueueDepth,
            Route.WorkerId is { } worker ? new WorkerTrace(worker, Route.Migrations, Route.PrefillWorkerId ?? worker, 0, worker, 0, Route.KvTransferEstimateMs) : null, _info.Endpoint, _info.IdentitySource,
            // Hashing the prompt costs, so only the trace file gets it, not a bare OpenTelemetry span.
            _tracer is not null && Route.BlockSize > 0 ? new ReplayTrace(Route.BlockSize, _request.TokenIds.Count, ReplayHashes.Of(_request.TokenIds, Route.BlockSize)) : null,
            _backendFinish is { } backend
                ? new FinishReasonMetadata(FinishReasons.Name(_toolCalls is null ? backend : FinishReason.ToolCalls), FinishReasons.Name(backend), _stopReason, _toolCalls)
                : null);
    }
}
