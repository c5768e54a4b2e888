using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using Dynamo.Runtime.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Dynamo.Runtime.Tracing;

/// <summary>
/// The agent trace stream. Requests and harnesses hand it events without waiting: they go into a
/// bounded queue that one loop (running while the host runs) writes to the sink, and when the
/// queue is full an event is dropped and counted, so tracing never slows a request.
/// </summary>
internal sealed class AgentTracer : IHostedService, IAsyncDisposable
{
    /// <summary>The OpenTelemetry source of the frontend's request spans (exported by whoever listens).</summary>
    public static readonly ActivitySource Source = new(FrontendMetrics.MeterName);

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly Channel<AgentTraceLine> _queue;
    private readonly ITraceSink _sink;
    private readonly TimeProvider _clock;
    private Task _writer = Task.CompletedTask;
    private long _dropped;
    private long _written;

    public AgentTracer(IOptions<AgentTraceOptions> options, TimeProvider clock, IMeterFactory? meters = null, ITraceSink? sink = null)
    {
        var o = options.Value;
        _clock = clock;
        _sink = sink ?? o.Sink switch
        {
            "stderr" => new StderrTraceSink(),
            var kind => new JsonlTraceSink(o.Path, gzip: kind == "jsonl_gz", o.MaxFileBytes),
        };
        _queue = Channel.CreateBounded<AgentTraceLine>(
            new BoundedChannelOptions(o.QueueCapacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
        if (meters?.Create(FrontendMetrics.MeterName) is { } meter)
        {
            meter.CreateObservableGauge("dynamo_agent_trace_dropped_events", () => Dropped, description: "Agent trace events dropped because the trace queue was full.");
            meter.CreateObservableGauge("dynamo_agent_trace_written_events", () => Written, description: "Agent trace events written to the sink.");
        }
    }

    /// <summary>Events dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Events written to the sink.</summary>
    public long Written => Interlocked.Read(ref _written);

    public void Record(AgentTraceEvent traceEvent) =>
        _queue.Writer.TryWrite(new AgentTraceLine(_clock.GetUtcNow().ToUnixTimeMilliseconds(), traceEvent));

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
                await _sink.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(line, Json));
                Interlocked.Increment(ref _written);
            }
            await _sink.FlushAsync();
        }
    }

    /// <summary>Writes what is queued, then closes the sink.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_queue.Writer.TryComplete())
        {
            await _writer;
            await _sink.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);
}
