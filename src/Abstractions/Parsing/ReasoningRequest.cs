using System.Text.Json;

namespace Dynamo.Abstractions.Parsing;

/// <summary>
/// What a reasoning parser may need to know about the request: its template variables
/// (<c>chat_template_kwargs</c>), whose thinking switch decides whether the template opened a thought.
/// </summary>
public sealed record ReasoningRequest(IReadOnlyDictionary<string, JsonElement>? ChatTemplateKwargs)
{
    /// <summary>A request that says nothing: the parser's defaults.</summary>
    public static readonly ReasoningRequest Default = new((IReadOnlyDictionary<string, JsonElement>?)null);

    /// <summary>A request with thinking switched on or off, as <c>enable_thinking</c> and <c>thinking</c> say it.</summary>
    public static ReasoningRequest WithThinking(bool thinking) => new(new Dictionary<string, JsonElement>
    {
        ["enable_thinking"] = JsonSerializer.SerializeToElement(thinking),
        ["thinking"] = JsonSerializer.SerializeToElement(thinking),
    });

    /// <summary>Thinking on or off, from <c>enable_thinking</c> (Qwen3, most templates) or <c>thinking</c> (DeepSeek V3.1, Kimi); null when neither is a boolean.</summary>
    public bool? Thinking => Flag("enable_thinking") ?? Flag("thinking");

    private bool? Flag(string key) =>
        ChatTemplateKwargs is { } kwargs && kwargs.TryGetValue(key, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean() : null;
}
