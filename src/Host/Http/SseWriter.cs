using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Dynamo.Host.OpenAi;

/// <summary>Server-sent events as OpenAI streams them: <c>data: {json}\n\n</c>, ending with <c>data: [DONE]</c>.</summary>
internal sealed class SseWriter(HttpResponse response)
{
    private static readonly byte[] Prefix = "data: "u8.ToArray();
    private static readonly byte[] Suffix = "\n\n"u8.ToArray();
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.StartAsync(cancellationToken);
    }

    public async Task WriteAsync<T>(T value, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        buffer.Write(Prefix);
        using (var json = new Utf8JsonWriter(buffer))
            JsonSerializer.Serialize(json, value, typeInfo);
        buffer.Write(Suffix);
        await response.Body.WriteAsync(buffer.WrittenMemory, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    public async Task WriteDoneAsync(CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(Done, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
