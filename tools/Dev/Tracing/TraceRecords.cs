using System.IO.Compression;
using System.Text.Json;
using Dynamo.Runtime.Configuration;

namespace Dynamo.Dev.Tracing;

/// <summary>
/// Records of request trace files: <c>.jsonl</c> or <c>.jsonl.gz</c> files or folders of them, lines
/// wrapped (<c>{"timestamp", "event"}</c>, as the file sink writes) or bare (stderr, NATS), of
/// either schema (<c>dynamo.request.trace.v1</c> or the older <c>dynamo.agent.trace.v1</c>).
/// </summary>
internal static class TraceRecords
{
    public static List<JsonElement> Read(IEnumerable<string> paths)
    {
        var records = new List<JsonElement>();
        foreach (var file in paths.SelectMany(Files))
        {
            using var stream = File.OpenRead(file);
            using var reader = new StreamReader(file.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(stream, CompressionMode.Decompress) : stream);
            var number = 0;
            while (reader.ReadLine() is { } line)
            {
                number++;
                if (line.Trim().Length == 0)
                    continue;
                try
                {
                    using var document = JsonDocument.Parse(line);
                    var record = document.RootElement.TryGetProperty("event", out var wrapped) ? wrapped : document.RootElement;
                    if (record.GetProperty("event_type").ValueKind != JsonValueKind.String)
                        throw new InvalidOperationException("'event_type' is not a string");
                    records.Add(record.Clone());
                }
                catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
                {
                    throw new DynamoConfigurationException($"{file}:{number}: not a request trace line ({ex.Message}).");
                }
            }
        }
        return records;
    }

    private static IEnumerable<string> Files(string path) =>
        Directory.Exists(path) ? Directory.GetFiles(path, "*.jsonl").Concat(Directory.GetFiles(path, "*.jsonl.gz")).Order(StringComparer.Ordinal)
        : File.Exists(path) ? [path]
        : throw new DynamoConfigurationException($"Trace file '{path}' does not exist.");

    public static string? Text(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static double? Number(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    /// <summary>The track a record belongs to: its trajectory, else its session, else <c>request-only</c>.</summary>
    public static string Lane(JsonElement record)
    {
        var context = record.TryGetProperty("agent_context", out var c) ? c : default;
        return Text(context, "trajectory_id") ?? Text(context, "session_id") ?? "request-only";
    }
}
