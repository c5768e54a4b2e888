using System.Reflection;
using System.Text.Json;

namespace Dynamo.Grammar.Tests;

/// <summary>
/// bench/schemas.jsonl: the real-world-style schemas the grammar benchmark runs (tools/schemas/generate.py),
/// and how a JSON Schema validator is shown them (<c>SchemaDialect</c>, shared with the benchmark).
/// </summary>
internal static class SchemaCorpus
{
    public sealed record Entry(string Name, string Kind, JsonElement Schema);

    public static IReadOnlyList<Entry> All { get; } = Load();

    private static List<Entry> Load()
    {
        var root = typeof(SchemaCorpus).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "DynamoRepoRoot").Value!;
        return [.. File.ReadLines(Path.Combine(root, "bench", "schemas.jsonl")).Select(line =>
        {
            var entry = JsonDocument.Parse(line).RootElement;
            return new Entry(entry.GetProperty("name").GetString()!, entry.GetProperty("kind").GetString()!, entry.GetProperty("schema").Clone());
        })];
    }
}
