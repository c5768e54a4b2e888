using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;

namespace Dynamo.Host.Tracing;

/// <summary>
/// The agent trace stream. Requests and harnesses hand it events without waiting: they go into a
/// bounded queue that one loop writes to the sink, and when the queue is full an event is dropped
/// and counted, so tracing never slows a request.
/// </summary>
internal sealed class AgentTracer : IAsyncDisposable
{
    /// <summary>The OpenTelemetry source of the frontend's request spans (exported by whoever listens).</summary>
    public static readonly ActivitySource Source = new("Dynamo.Frontend");

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly Channel<AgentTraceLine> _queue;
    private readonly ITraceSink _sink;
    private readonly TimeProvider _clock;
    private readonly Task _writer;
    private long _dropped;
    private long _written;

    public AgentTracer(AgentTraceOptions options, TimeProvider clock, ITraceSink? sink = null)
    {
        _clock = clock;
        _sink = sink ?? options.Sink switch
        {
            "stderr" => new StderrTraceSink(),
            var kind => new JsonlTraceSink(options.Path, gzip: kind == "jsonl_gz", options.MaxFileBytes),
        };
        _queue = Channel.CreateBounded<AgentTraceLine>(
            new BoundedChannelOptions(options.QueueCapacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
        _writer = Task.Run(WriteAsync);
    }

    /// <summary>Events dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Events written to the sink.</summary>
    public long Written => Interlocked.Read(ref _written);

    public void Record(AgentTraceEvent traceEvent) =>
        _queue.Writer.TryWrite(new AgentTraceLine(_clock.GetUtcNow().ToUnixTimeMilliseconds(), traceEvent));

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

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
        await _sink.DisposeAsync();
    }
}
