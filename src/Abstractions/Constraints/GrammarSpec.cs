using System.Text.Json;
using System.Text.Json.Serialization;
using Dynamo.Abstractions.Requests;

namespace Dynamo.Abstractions.Constraints;

/// <summary>What the output must match. <see cref="CacheKey"/> identifies equal grammars, so each is compiled once per tokenizer.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(JsonSchemaGrammar), "json_schema")]
[JsonDerivedType(typeof(RegexGrammar), "regex")]
[JsonDerivedType(typeof(ChoiceGrammar), "choice")]
[JsonDerivedType(typeof(LarkGrammar), "lark")]
[JsonDerivedType(typeof(ToolCallsGrammar), "tool_calls")]
public abstract record GrammarSpec
{
    [JsonIgnore]
    public abstract string CacheKey { get; }
}

/// <summary>How structured JSON may space itself.</summary>
public enum JsonWhitespace
{
    /// <summary><c>", "</c> and <c>": "</c> between items and after keys, nothing else (as <c>json.dumps</c> writes it).</summary>
    Compact,

    /// <summary>Any JSON whitespace between tokens (up to 16 characters at a time).</summary>
    Flexible,
}

/// <summary>A JSON value valid against a JSON Schema (<c>response_format: json_schema</c>, <c>json_object</c>, tool arguments).</summary>
/// <param name="Schema">The schema; <c>true</c> or <c>{}</c> for any JSON value.</param>
public sealed record JsonSchemaGrammar(JsonElement Schema, JsonWhitespace Whitespace = JsonWhitespace.Compact) : GrammarSpec
{
    /// <summary>Any JSON object (<c>json_object</c>; a tool without parameters).</summary>
    public static JsonSchemaGrammar AnyObject { get; } = new(JsonDocument.Parse("""{"type":"object"}""").RootElement);

    [JsonIgnore]
    public override string CacheKey => $"json:{Whitespace}:{Schema.GetRawText()}";
}

/// <summary>Text the regular expression matches in full.</summary>
public sealed record RegexGrammar(string Pattern) : GrammarSpec
{
    [JsonIgnore]
    public override string CacheKey => $"regex:{Pattern}";
}

/// <summary>Exactly one of the given strings.</summary>
public sealed record ChoiceGrammar(IReadOnlyList<string> Choices) : GrammarSpec
{
    [JsonIgnore]
    public override string CacheKey => "choice:" + JsonSerializer.Serialize(Choices);
}

/// <summary>A Lark-style EBNF grammar (<c>start</c> is the start rule), as vLLM's <c>structured_outputs.grammar</c>.</summary>
public sealed record LarkGrammar(string Source) : GrammarSpec
{
    [JsonIgnore]
    public override string CacheKey => $"lark:{Source}";
}

/// <summary>How a tool-call grammar constrains the answer.</summary>
public enum ToolCallMode
{
    /// <summary>One or more calls of the given tools, nothing else (<c>tool_choice: "required"</c>, Anthropic's <c>any</c>).</summary>
    Required,

    /// <summary>Free text, then optionally calls: once the model writes the family's call marker, what follows must be valid calls (<c>auto</c> with strict tools).</summary>
    Lazy,
}

/// <summary>
/// Tool calls in a model family's own syntax (<see cref="ToolCallSyntax"/>), each naming one of
/// <paramref name="Tools"/> with arguments valid against its parameters.
/// </summary>
/// <param name="Parallel">More than one call may be made (<c>parallel_tool_calls</c>).</param>
public sealed record ToolCallsGrammar(ToolCallSyntax Syntax, IReadOnlyList<ToolDefinition> Tools, ToolCallMode Mode, bool Parallel,
    JsonWhitespace Whitespace = JsonWhitespace.Compact) : GrammarSpec
{
    [JsonIgnore]
    public override string CacheKey => $"tools:{Mode}:{Parallel}:{Whitespace}:{Syntax.CacheKey}:" +
        string.Join("\u0001", Tools.Select(t => $"{t.Name}\u0002{t.Parameters?.GetRawText()}"));
}
