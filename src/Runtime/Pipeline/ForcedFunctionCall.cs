using System.Text.Json;
using Dynamo.Abstractions.Requests;

namespace Dynamo.Runtime.Pipeline;

/// <summary>
/// <c>tool_choice</c> naming a function, honoured at parse time: when the parser found no call
/// and the whole answer is one JSON object, that object is the named function's arguments (what
/// a model asked for one function writes, and what guided decoding would have produced).
/// </summary>
internal static class ForcedFunctionCall
{
    public static ToolCall? From(string function, string? content)
    {
        var text = content?.Trim();
        if (string.IsNullOrEmpty(text) || text[0] != '{')
            return null;
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object ? new ToolCall(NewId(), function, text) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string NewId() => "call_" + Guid.NewGuid().ToString("N")[..24];
}
