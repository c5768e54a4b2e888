using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Dynamo.Host.Http;

/// <summary>
/// Server-sent events: <c>data: {json}\n\n</c> (OpenAI's, ending with <c>data: [DONE]</c>), or with an
/// <c>event:</c> line (Anthropic's and the Responses API's). Writes are serialized, so a keep-alive may interleave.
/// </summary>
internal sealed class SseWriter(HttpResponse response, TimeProvider clock)
{
    private static readonly byte[] Suffix = "\n\n"u8.ToArray();
    private static readonly JsonWriterOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    private readonly SemaphoreSlim _lock = new(1, 1);
    private long _lastWrite = clock.GetTimestamp();

    public SseWriter(HttpResponse response) : this(response, TimeProvider.System)
    {
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.StartAsync(cancellationToken);
    }

    /// <param name="eventName">The <c>event:</c> line, for APIs that name their events.</param>
    public async Task WriteAsync<T>(T value, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken, string? eventName = null)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        if (eventName is not null)
        {
            buffer.Write("event: "u8);
            Encoding.UTF8.GetBytes(eventName, buffer);
            buffer.Write("\n"u8);
        }
        buffer.Write("data: "u8);
        using (var json = new Utf8JsonWriter(buffer, Readable))
            JsonSerializer.Serialize(json, value, typeInfo);
        buffer.Write(Suffix);
        await WriteRawAsync(buffer.WrittenMemory, cancellationToken);
    }

    public Task WriteDoneAsync(CancellationToken cancellationToken) => WriteRawAsync(Done, cancellationToken);

    /// <summary>Calls <paramref name="ping"/> whenever nothing was written for <paramref name="interval"/>, until disposed.</summary>
    public IAsyncDisposable KeepAlive(TimeSpan interval, Func<Task> ping, CancellationToken cancellationToken)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var loop = Task.Run(async () =>
        {
            try
            {
                using var timer = new PeriodicTimer(interval / 4, clock);
                while (await timer.WaitForNextTickAsync(stop.Token))
                    if (clock.GetElapsedTime(Volatile.Read(ref _lastWrite)) >= interval)
                        await ping();
            }
            catch (OperationCanceledException)
            {
            }
            catch (IOException)
            {
                // The client went away; the request notices on its own.
            }
        });
        return new Stopper(stop, loop);
    }

    private async Task WriteRawAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            await response.Body.WriteAsync(bytes, cancellationToken);
            await response.Body.FlushAsync(cancellationToken);
            Volatile.Write(ref _lastWrite, clock.GetTimestamp());
        }
        finally
        {
            _lock.Release();
        }
    }

    private sealed class Stopper(CancellationTokenSource stop, Task loop) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            await loop;
            stop.Dispose();
        }
    }
}
