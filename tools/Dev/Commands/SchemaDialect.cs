using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Dynamo.Dev.Commands;

/// <summary>
/// How a JSON Schema validator (JsonSchema.Net, 2020-12) is shown the corpus's schemas: OpenAPI's
/// <c>nullable</c>, draft 4's tuples, boolean exclusive bounds and <c>definitions</c> rewritten in 2020-12
/// terms. Shared with the grammar tests (linked there), so both check outputs the same way.
/// </summary>
internal static class SchemaDialect
{
    /// <summary>The validator's schema for a corpus schema.</summary>
    public static JsonSchema Validator(JsonElement schema) => JsonSchema.FromText(ForValidator(schema));

    /// <summary>Why <paramref name="json"/> fails <paramref name="schema"/> (formats checked too); null when it is valid.</summary>
    public static string? Errors(JsonSchema schema, JsonElement json)
    {
        var evaluation = schema.Evaluate(json, new EvaluationOptions { RequireFormatValidation = true, OutputFormat = OutputFormat.List });
        return evaluation.IsValid ? null
            : string.Join("\n", evaluation.Details?.Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")) ?? []);
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
