using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using Dynamo.Runtime.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dynamo.Runtime.Tracing;

/// <summary>
/// The request trace stream. Requests, routers and harnesses hand it records without waiting: the
/// selected ones (<c>DYN_REQUEST_TRACE_RECORDS</c>) go into a bounded queue that one loop (running
/// while the host runs) writes to every sink; when the queue is full a record is dropped and
/// counted, and a failing sink is logged and counted, so tracing never slows or fails a request.
/// </summary>
internal sealed class RequestTracer : IHostedService, IAsyncDisposable
{
    /// <summary>The OpenTelemetry source of the frontend's request spans (exported by whoever listens).</summary>
    public static readonly ActivitySource Source = new(FrontendMetrics.MeterName);

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private readonly Channel<TraceLine> _queue;
    private readonly IReadOnlyList<ITraceSink> _sinks;
    private readonly TimeProvider _clock;
    private readonly ILogger? _logger;
    private Task _writer = Task.CompletedTask;
    private long _dropped;
    private long _written;
    private long _sinkErrors;

    public RequestTracer(RequestTraceOptions options, TimeProvider clock, IReadOnlyList<ITraceSink> sinks, IMeterFactory? meters = null, ILogger? logger = null)
    {
        Options = options;
        (_clock, _sinks, _logger) = (clock, sinks, logger);
        _queue = Channel.CreateBounded<TraceLine>(
            new BoundedChannelOptions(options.Capacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
        if (meters?.Create(FrontendMetrics.MeterName) is { } meter)
        {
            meter.CreateObservableGauge("dynamo_request_trace_dropped_records", () => Dropped, description: "Request trace records dropped because the trace queue was full.");
            meter.CreateObservableGauge("dynamo_request_trace_written_records", () => Written, description: "Request trace records handed to the sinks.");
            meter.CreateObservableGauge("dynamo_request_trace_sink_errors", () => SinkErrors, description: "Request trace records a sink failed to take.");
        }
    }

    public RequestTraceOptions Options { get; }

    /// <summary>Records dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Records handed to the sinks.</summary>
    public long Written => Interlocked.Read(ref _written);

    public long SinkErrors => Interlocked.Read(ref _sinkErrors);

    /// <summary>Whether records of this type (<see cref="TraceRecordKinds"/>) are written.</summary>
    public bool Wants(string kind) => Options.Wants(kind);

    /// <summary>Queues the record if its type is selected; never waits.</summary>
    public void Record(TraceEvent record)
    {
        if (Wants(record.Kind))
            _queue.Writer.TryWrite(new TraceLine(_clock.GetUtcNow().ToUnixTimeMilliseconds(), record with { Schema = Options.SchemaName }));
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _writer = Task.Run(WriteAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task WriteAsync()
    {
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (_queue.Reader.TryRead(out var line))
            {
                var json = JsonSerializer.SerializeToUtf8Bytes(line.Event, Json);
                foreach (var sink in _sinks)
                    await Guard(sink, s => s.WriteAsync(line, json));
                Interlocked.Increment(ref _written);
            }
            foreach (var sink in _sinks)
                await Guard(sink, s => s.FlushAsync());
        }
    }

    private async ValueTask Guard(ITraceSink sink, Func<ITraceSink, ValueTask> write)
    {
        try
        {
            await write(sink);
        }
        catch (Exception ex)
        {
            // The first failure is logged; later ones are counted (a dead sink would flood the log).
            if (Interlocked.Increment(ref _sinkErrors) == 1)
                _logger?.LogWarning(ex, "Request trace sink {Sink} failed; its records are dropped and counted in dynamo_request_trace_sink_errors", sink.GetType().Name);
        }
    }

    /// <summary>Writes what is queued, then closes the sinks.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_queue.Writer.TryComplete())
        {
            await _writer;
            foreach (var sink in _sinks)
                await sink.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);
}
