using System.Text.Json;
using System.Text.Json.Nodes;
using Dynamo.Abstractions.Constraints;

namespace Dynamo.Grammar.Pda.Json;

/// <summary>
/// Schemas combined into one (<c>allOf</c>, and keywords beside <c>$ref</c> or <c>anyOf</c>): types
/// intersected, properties and required names united (a property in both merged in turn), bounds
/// tightened. A combination that cannot be written as one schema is refused, naming the keyword.
/// </summary>
internal static class SchemaMerge
{
    public static JsonElement Without(JsonElement schema, string keyword)
    {
        if (schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty(keyword, out _))
            return schema;
        var copy = JsonNode.Parse(schema.GetRawText())!.AsObject();
        copy.Remove(keyword);
        return JsonSerializer.SerializeToElement(copy);
    }

    /// <param name="inline">Resolves a sub-schema's own <c>$ref</c>, so merging sees what it refers to.</param>
    public static JsonElement Merge(JsonElement a, JsonElement b, string path, Func<JsonElement, JsonElement> inline)
    {
        a = inline(a);
        b = inline(b);
        if (a.ValueKind == JsonValueKind.True)
            return b;
        if (b.ValueKind == JsonValueKind.True)
            return a;
        if (a.ValueKind == JsonValueKind.False || b.ValueKind == JsonValueKind.False)
            return JsonSerializer.SerializeToElement(false);
        if (a.ValueKind != JsonValueKind.Object || b.ValueKind != JsonValueKind.Object)
            throw new GrammarException($"Only schema objects can be combined (at {path})", path);

        var result = JsonNode.Parse(a.GetRawText())!.AsObject();
        foreach (var property in b.EnumerateObject())
        {
            var (name, value) = (property.Name, property.Value);
            if (!result.TryGetPropertyValue(name, out var existing) || existing is null)
            {
                result[name] = JsonNode.Parse(value.GetRawText());
                continue;
            }
            var mine = JsonSerializer.SerializeToElement(existing);
            if (mine.GetRawText() == value.GetRawText())
                continue;
            result[name] = name switch
            {
                "type" => Types(mine, value, path),
                "properties" => Properties(mine, value, path, inline),
                "required" => new JsonArray([.. Names(mine).Union(Names(value)).Select(n => (JsonNode?)JsonValue.Create(n))]),
                "additionalProperties" or "items" => JsonNode.Parse(Merge(mine, value, $"{path}/{name}", inline).GetRawText()),
                "enum" => Enum(mine, value, path),
                "minimum" or "exclusiveMinimum" or "minLength" or "minItems" when Numbers(mine, value) is var (x, y) => Math.Max(x, y),
                "maximum" or "exclusiveMaximum" or "maxLength" or "maxItems" when Numbers(mine, value) is var (x, y) => Math.Min(x, y),
                "title" or "description" or "default" or "examples" or "$comment" or "$schema" or "$id" or "deprecated" or "readOnly" or "writeOnly" => existing.DeepClone(),
                "nullable" => mine.ValueKind == JsonValueKind.True && value.ValueKind == JsonValueKind.True,
                _ => throw new GrammarException($"The schemas combined at {path} disagree on '{name}', which cannot be combined", $"{path}/{name}"),
            };
        }
        return JsonSerializer.SerializeToElement(result);
    }

    private static (decimal, decimal) Numbers(JsonElement a, JsonElement b) =>
        a.ValueKind == JsonValueKind.Number && b.ValueKind == JsonValueKind.Number ? (a.GetDecimal(), b.GetDecimal())
            : throw new GrammarException("Bounds written as booleans (draft 4) cannot be combined");

    private static JsonNode Types(JsonElement a, JsonElement b, string path)
    {
        static HashSet<string> Set(JsonElement t) => t.ValueKind == JsonValueKind.Array ? [.. t.EnumerateArray().Select(x => x.GetString()!)] : [t.GetString()!];
        var left = Set(a);
        var right = Set(b);
        // An integer is a number: their intersection is integer.
        if (left.Contains("number"))
            left.Add("integer");
        if (right.Contains("number"))
            right.Add("integer");
        left.IntersectWith(right);
        if (left.Contains("integer") && left.Contains("number"))
            left.Remove("integer");
        if (left.Count == 0)
            throw new GrammarException($"The schemas combined at {path} share no type", $"{path}/type");
        return new JsonArray([.. left.Select(t => (JsonNode?)JsonValue.Create(t))]);
    }

    private static JsonNode Properties(JsonElement a, JsonElement b, string path, Func<JsonElement, JsonElement> inline)
    {
        var result = JsonNode.Parse(a.GetRawText())!.AsObject();
        foreach (var property in b.EnumerateObject())
            result[property.Name] = result.TryGetPropertyValue(property.Name, out var mine) && mine is not null
                ? JsonNode.Parse(Merge(JsonSerializer.SerializeToElement(mine), property.Value, $"{path}/properties/{property.Name}", inline).GetRawText())
                : JsonNode.Parse(property.Value.GetRawText());
        return result;
    }

    private static JsonNode Enum(JsonElement a, JsonElement b, string path)
    {
        var right = b.EnumerateArray().Select(v => v.GetRawText()).ToHashSet();
        var common = a.EnumerateArray().Where(v => right.Contains(v.GetRawText())).Select(v => JsonNode.Parse(v.GetRawText())).ToArray();
        return common.Length > 0 ? new JsonArray(common) : throw new GrammarException($"The schemas combined at {path} share no 'enum' value", $"{path}/enum");
    }

    private static IEnumerable<string> Names(JsonElement list) => list.EnumerateArray().Select(n => n.GetString()!);
}
