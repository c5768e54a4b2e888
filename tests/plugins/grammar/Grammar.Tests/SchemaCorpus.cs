using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dynamo.Grammar.Tests;

/// <summary>
/// bench/schemas.jsonl: the real-world-style schemas the grammar benchmark runs (tools/schemas/generate.py),
/// and how a JSON Schema validator is shown them: OpenAPI's <c>nullable</c> and draft 4's tuples, boolean
/// exclusive bounds and <c>definitions</c> rewritten in 2020-12 terms, which the validator speaks.
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

    public static string ForValidator(JsonElement schema)
    {
        var node = JsonNode.Parse(schema.GetRawText().Replace("\"#/definitions/", "\"#/$defs/"))!;
        Rewrite(node);
        return node.ToJsonString();
    }

    private static void Rewrite(JsonNode? node)
    {
        if (node is JsonArray array)
        {
            foreach (var item in array)
                Rewrite(item);
            return;
        }
        if (node is not JsonObject o)
            return;
        if (o["$schema"]?.GetValue<string>() is { } dialect && dialect.Contains("draft-04"))
            o.Remove("$schema");
        if (o["definitions"] is { } definitions)
        {
            o.Remove("definitions");
            o["$defs"] = definitions.DeepClone();
        }
        if (o["nullable"] is JsonValue nullable && nullable.GetValue<bool>())
        {
            o.Remove("nullable");
            if (o["type"] is JsonValue type)
                o["type"] = new JsonArray(type.GetValue<string>(), "null");
        }
        foreach (var (bound, exclusive) in new[] { ("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum") })
            if (o[exclusive] is JsonValue flag && flag.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
            {
                o.Remove(exclusive);
                if (flag.GetValue<bool>() && o[bound] is { } value)
                {
                    o.Remove(bound);
                    o[exclusive] = value.DeepClone();
                }
            }
        if (o["items"] is JsonArray tuple)
        {
            o.Remove("items");
            o["prefixItems"] = tuple.DeepClone();
            if (o["additionalItems"] is { } rest)
            {
                o.Remove("additionalItems");
                o["items"] = rest.DeepClone();
            }
        }
        foreach (var (_, child) in o.ToList())
            Rewrite(child);
    }
}
