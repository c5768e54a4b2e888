using System.Text.Json;
using Dynamo.Abstractions.Constraints;
using Dynamo.Runtime.Errors;

namespace Dynamo.Host.OpenAi;

/// <summary>
/// What a request says its output must match, in the forms OpenAI and vLLM take: <c>response_format</c>
/// (<c>json_object</c>, <c>json_schema</c>), vLLM's <c>structured_outputs</c> object (<c>json</c>, <c>regex</c>,
/// <c>choice</c>, <c>grammar</c>, <c>json_object</c>) and the older top-level <c>guided_json</c>,
/// <c>guided_regex</c>, <c>guided_choice</c> and <c>guided_grammar</c>. At most one of them may be given.
/// </summary>
internal static class StructuredOutputs
{

    public static (GrammarSpec? Spec, string Field) Read(GenerationRequestBody body)
    {
        var found = new List<(GrammarSpec Spec, string Field)>();
        var whitespace = JsonWhitespace.Compact;
        if (body.StructuredOutputs is { ValueKind: not JsonValueKind.Null } so)
        {
            if (so.ValueKind != JsonValueKind.Object)
                throw DynamoRequestException.BadRequest("'structured_outputs' must be an object.", "structured_outputs");
            foreach (var property in so.EnumerateObject())
            {
                var at = $"structured_outputs.{property.Name}";
                switch (property.Name)
                {
                    case "json":
                        found.Add((Schema(property.Value, at), at));
                        break;
                    case "regex":
                        found.Add((new RegexGrammar(Text(property.Value, at)), at));
                        break;
                    case "choice":
                        found.Add((Choice(property.Value, at), at));
                        break;
                    case "grammar":
                        found.Add((new LarkGrammar(Text(property.Value, at)), at));
                        break;
                    case "json_object" when property.Value.ValueKind == JsonValueKind.True:
                        found.Add((JsonSchemaGrammar.AnyObject, at));
                        break;
                    case "json_object" when property.Value.ValueKind is JsonValueKind.False or JsonValueKind.Null:
                        break;
                    case "disable_any_whitespace":
                        whitespace = property.Value.ValueKind switch
                        {
                            JsonValueKind.True => JsonWhitespace.Compact,
                            JsonValueKind.False => JsonWhitespace.Flexible,
                            _ => throw DynamoRequestException.BadRequest($"'{at}' must be a boolean.", at),
                        };
                        break;
                    case "disable_fallback" or "disable_additional_properties":
                        break; // this engine never falls back, and additional properties follow the schema
                    case var other:
                        throw DynamoRequestException.BadRequest($"'structured_outputs.{other}' is not supported (json, regex, choice, grammar, json_object, disable_any_whitespace are).", at, "unsupported_parameter");
                }
            }
        }
        if (body.GuidedJson is { ValueKind: not JsonValueKind.Null } guidedJson)
            found.Add((Schema(guidedJson, "guided_json"), "guided_json"));
        if (body.GuidedRegex is { } regex)
            found.Add((new RegexGrammar(regex), "guided_regex"));
        if (body.GuidedChoice is { ValueKind: not JsonValueKind.Null } choice)
            found.Add((Choice(choice, "guided_choice"), "guided_choice"));
        if (body.GuidedGrammar is { } grammar)
            found.Add((new LarkGrammar(grammar), "guided_grammar"));
        if (body.GuidedWhitespacePattern is not null)
            throw DynamoRequestException.BadRequest("'guided_whitespace_pattern' is not supported; 'structured_outputs.disable_any_whitespace': false allows any JSON whitespace.", "guided_whitespace_pattern", "unsupported_parameter");
        if (body.ResponseFormat is { ValueKind: not JsonValueKind.Null } format)
            if (ResponseFormat(format) is { } spec)
                found.Add((spec, "response_format"));
        if (found.Count > 1)
            throw DynamoRequestException.BadRequest($"Give one structured output, not '{found[0].Field}' and '{found[1].Field}' together.", found[1].Field);
        if (found.Count == 0)
            return (null, "response_format");
        return (found[0].Spec is JsonSchemaGrammar json ? json with { Whitespace = whitespace } : found[0].Spec, found[0].Field);
    }

    /// <summary><c>{"type": "text" | "json_object" | "json_schema", "json_schema": {"name", "schema", "strict"}}</c>.</summary>
    private static GrammarSpec? ResponseFormat(JsonElement format)
    {
        const string at = "response_format";
        var type = format.ValueKind == JsonValueKind.Object && format.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String
            ? t.GetString() : throw DynamoRequestException.BadRequest("'response_format' must be an object with a 'type'.", $"{at}.type");
        switch (type)
        {
            case "text":
                return null;
            case "json_object":
                return JsonSchemaGrammar.AnyObject;
            case "json_schema":
                if (!format.TryGetProperty("json_schema", out var jsonSchema) || jsonSchema.ValueKind != JsonValueKind.Object)
                    throw DynamoRequestException.BadRequest("'response_format.json_schema' is required for type json_schema.", $"{at}.json_schema");
                // strict: false is enforced just the same: a grammar that can be built is always applied.
                return jsonSchema.TryGetProperty("schema", out var schema) ? Schema(schema, $"{at}.json_schema.schema") : JsonSchemaGrammar.AnyObject;
            default:
                throw DynamoRequestException.BadRequest($"'response_format.type' must be text, json_object or json_schema; got \"{type}\".", $"{at}.type");
        }
    }

    /// <summary>A schema given as JSON, or as a string holding JSON (vLLM takes both).</summary>
    public static JsonSchemaGrammar Schema(JsonElement value, string at)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            try
            {
                value = JsonDocument.Parse(value.GetString()!).RootElement.Clone();
            }
            catch (JsonException ex)
            {
                throw DynamoRequestException.BadRequest($"'{at}' is not valid JSON: {ex.Message}", at);
            }
        }
        return value.ValueKind is JsonValueKind.Object or JsonValueKind.True or JsonValueKind.False
            ? new JsonSchemaGrammar(value.Clone())
            : throw DynamoRequestException.BadRequest($"'{at}' must be a JSON Schema (an object or a boolean).", at);
    }

    private static ChoiceGrammar Choice(JsonElement value, string at) =>
        value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0 && value.EnumerateArray().All(c => c.ValueKind == JsonValueKind.String)
            ? new ChoiceGrammar([.. value.EnumerateArray().Select(c => c.GetString()!)])
            : throw DynamoRequestException.BadRequest($"'{at}' must be a non-empty array of strings.", at);

    private static string Text(JsonElement value, string at) =>
        value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text
            : throw DynamoRequestException.BadRequest($"'{at}' must be a non-empty string.", at);
}
