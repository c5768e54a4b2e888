using System.Text.Json;
using Dynamo.Runtime.Tracing;
using OpenTelemetry.Logs;
using OpenTelemetry.Resources;

namespace Dynamo.Host.Tracing;

/// <summary>
/// The <c>otel</c> request trace sink: one OpenTelemetry log record per trace record, exported over
/// OTLP (logger <c>dynamo.request_trace</c>; body the event type; attributes <c>schema</c>,
/// <c>event_type</c>, <c>rid</c>, <c>model</c>, <c>endpoint</c>, <c>payload_complete</c>,
/// <c>payload_drop_reason</c> and <c>payload</c>, the whole record as JSON), as Dynamo exports them.
/// A payload record over <c>DYN_REQUEST_TRACE_OTEL_MAX_PAYLOAD_BYTES</c> goes out as a marker
/// without its bodies; any other record that large is dropped.
/// </summary>
internal sealed class OtelTraceSink : ITraceSink
{
    public const string LoggerName = "dynamo.request_trace";

    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly int _maxBytes;

    /// <param name="exporter">Adds the exporter: OTLP when serving, an in-memory one in tests.</param>
    public OtelTraceSink(RequestTraceOptions options, string serviceName, Action<OpenTelemetryLoggerOptions> exporter)
    {
        _maxBytes = options.OtelMaxPayloadBytes;
        _loggers = LoggerFactory.Create(builder => builder.AddOpenTelemetry(o =>
        {
            o.SetResourceBuilder(ResourceBuilder.CreateDefault().AddService(serviceName));
            exporter(o);
        }));
        _logger = _loggers.CreateLogger(LoggerName);
    }

    public ValueTask WriteAsync(TraceLine line, ReadOnlyMemory<byte> json)
    {
        var record = line.Event;
        if (json.Length > _maxBytes)
        {
            if (record.Payload is not { } payload)
                return ValueTask.CompletedTask;
            record = record with
            {
                Payload = payload with
                {
                    Request = null,
                    Response = null,
                    PayloadComplete = false,
                    PayloadDropReason = $"otel_payload_too_large:max_bytes={_maxBytes}:actual_bytes={json.Length}",
                },
            };
            json = JsonSerializer.SerializeToUtf8Bytes(record, RequestTracer.Json);
        }
        List<KeyValuePair<string, object?>> attributes =
        [
            new("schema", record.Schema),
            new("event_type", record.EventType),
            new("event_time_unix_ms", record.EventTimeUnixMs),
            new("payload", System.Text.Encoding.UTF8.GetString(json.Span)),
            // OpenTelemetry makes this the log record's body.
            new("{OriginalFormat}", record.EventType),
        ];
        if ((record.Request?.RequestId ?? record.Payload?.RequestId ?? record.RouterSelection?.RequestId) is { } rid)
            attributes.Add(new("rid", rid));
        if ((record.Request?.Model ?? record.Payload?.Model ?? record.RouterSelection?.Model) is { } model)
            attributes.Add(new("model", model));
        if (record.Payload is { } p)
        {
            attributes.Add(new("endpoint", p.Endpoint));
            attributes.Add(new("payload_complete", p.PayloadComplete));
            if (p.PayloadDropReason is { } reason)
                attributes.Add(new("payload_drop_reason", reason));
        }
        _logger.Log(LogLevel.Information, default, attributes, null, (_, _) => record.EventType);
        return ValueTask.CompletedTask;
    }

    public ValueTask FlushAsync() => ValueTask.CompletedTask;

    /// <summary>Exports what is batched, then stops.</summary>
    public ValueTask DisposeAsync()
    {
        _loggers.Dispose();
        return ValueTask.CompletedTask;
    }
}
