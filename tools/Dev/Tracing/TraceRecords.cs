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
    public static List<JsonElement> Read(IEnumerable<string> paths) =>
        [.. Lines(paths).Select(line =>
        {
            var record = line.Root.TryGetProperty("event", out var wrapped) ? wrapped : line.Root;
            return record.TryGetProperty("event_type", out var type) && type.ValueKind == JsonValueKind.String ? record
                : throw new DynamoConfigurationException($"{line.Where}: not a request trace line (no 'event_type').");
        })];

    /// <summary>Every non-empty JSON line of the files (and folders' <c>.jsonl[.gz]</c> files), with where it stands for errors.</summary>
    public static IEnumerable<(string Where, JsonElement Root)> Lines(IEnumerable<string> paths)
    {
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
                JsonElement root;
                try
                {
                    using var document = JsonDocument.Parse(line);
                    root = document.RootElement.Clone();
                }
                catch (JsonException ex)
                {
                    throw new DynamoConfigurationException($"{file}:{number}: not a JSON line ({ex.Message}).");
                }
                yield return ($"{file}:{number}", root);
            }
        }
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
