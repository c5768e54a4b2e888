using System.Text.Json;
using Dynamo.Abstractions.Requests;
using Dynamo.Host.OpenAi;

namespace Dynamo.Host.Pipeline;

/// <summary>Validates OpenAI chat messages and tools and turns them into the shared records templates see.</summary>
internal static class ChatMessageConverter
{
    private static readonly HashSet<string> Roles = ["system", "developer", "user", "assistant", "tool"];

    public static IReadOnlyList<ChatMessage> Messages(List<ChatMessageBody>? messages)
    {
        if (messages is null or { Count: 0 })
            throw OpenAiException.BadRequest("'messages' must be a non-empty array.", "messages");
        return messages.Select(Message).ToList();
    }

    private static ChatMessage Message(ChatMessageBody? body, int index)
    {
        var at = $"messages[{index}]";
        if (body is null)
            throw OpenAiException.BadRequest($"'{at}' must be an object.", at);
        if (string.IsNullOrEmpty(body.Role) || !Roles.Contains(body.Role))
            throw OpenAiException.BadRequest(
                $"'{at}.role' must be one of {string.Join(", ", Roles)}; got {(body.Role is null ? "nothing" : $"'{body.Role}'")}.", $"{at}.role");
        var (content, parts) = Content(body.Content, $"{at}.content");
        var toolCalls = body.ToolCalls?.Select((c, i) => ToolCall(c, $"{at}.tool_calls[{i}]")).ToList();
        if (content is null && body.Role != "assistant")
            throw OpenAiException.BadRequest($"'{at}.content' is required for a {body.Role} message.", $"{at}.content");
        if (content is null && toolCalls is null or { Count: 0 })
            throw OpenAiException.BadRequest($"'{at}' needs 'content' or 'tool_calls'.", $"{at}.content");
        if (body.Role == "tool" && string.IsNullOrEmpty(body.ToolCallId))
            throw OpenAiException.BadRequest($"'{at}.tool_call_id' is required for a tool message.", $"{at}.tool_call_id");
        return new ChatMessage(body.Role, content, parts, toolCalls, body.ToolCallId, body.Name, body.ReasoningContent);
    }

    private static (string? Text, IReadOnlyList<ContentPart>? Parts) Content(JsonElement? content, string param)
    {
        if (content is not { } value || value.ValueKind == JsonValueKind.Null)
            return (null, null);
        if (value.ValueKind == JsonValueKind.String)
            return (value.GetString(), null);
        if (value.ValueKind != JsonValueKind.Array)
            throw OpenAiException.BadRequest($"'{param}' must be a string or an array of content parts.", param);
        var parts = new List<ContentPart>();
        foreach (var (part, i) in value.EnumerateArray().Select((p, i) => (p, i)))
        {
            var type = part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            if (type != "text")
                throw OpenAiException.BadRequest(
                    $"'{param}[{i}]': only text parts are supported (type \"text\"), got {(type is null ? "no type" : $"\"{type}\"")}.", $"{param}[{i}].type");
            if (!part.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String)
                throw OpenAiException.BadRequest($"'{param}[{i}].text' must be a string.", $"{param}[{i}].text");
            parts.Add(new ContentPart("text", text.GetString()));
        }
        return (string.Join("\n", parts.Select(p => p.Text)), parts);
    }

    private static ToolCall ToolCall(ToolCallBody? call, string at)
    {
        if (call?.Function?.Name is not { Length: > 0 } name)
            throw OpenAiException.BadRequest($"'{at}.function.name' is required.", $"{at}.function.name");
        var arguments = call.Function.Arguments switch
        {
            null => "{}",
            { ValueKind: JsonValueKind.String } s => s.GetString()!,
            { ValueKind: JsonValueKind.Object } o => o.GetRawText(),
            _ => throw OpenAiException.BadRequest($"'{at}.function.arguments' must be a JSON string.", $"{at}.function.arguments"),
        };
        return new ToolCall(call.Id ?? "", name, arguments);
    }

    public static IReadOnlyList<ToolDefinition> Tools(List<ToolBody>? tools)
    {
        if (tools is null)
            return [];
        return tools.Select((tool, i) =>
        {
            if (tool?.Type is not "function")
                throw OpenAiException.BadRequest($"'tools[{i}].type' must be \"function\".", $"tools[{i}].type");
            if (tool.Function?.Name is not { Length: > 0 } name)
                throw OpenAiException.BadRequest($"'tools[{i}].function.name' is required.", $"tools[{i}].function.name");
            return new ToolDefinition(name, tool.Function.Description, tool.Function.Parameters);
        }).ToList();
    }

    /// <summary>Whether tool calls should be parsed out of the output, per <c>tool_choice</c>.</summary>
    /// <summary>The function a <c>tool_choice</c> object names (already validated by <see cref="WantsToolCalls"/>), else null.</summary>
    public static string? ForcedFunction(JsonElement? toolChoice) =>
        toolChoice is { ValueKind: JsonValueKind.Object } choice && choice.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.Object
            && f.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;

    public static bool WantsToolCalls(JsonElement? toolChoice, IReadOnlyList<ToolDefinition> tools)
    {
        if (toolChoice is not { } choice || choice.ValueKind == JsonValueKind.Null)
            return tools.Count > 0;
        if (tools.Count == 0)
            throw OpenAiException.BadRequest("'tool_choice' is only allowed when 'tools' are given.", "tool_choice");
        if (choice.ValueKind == JsonValueKind.String)
            return choice.GetString() switch
            {
                "none" => false,
                "auto" or "required" => true,
                var other => throw OpenAiException.BadRequest($"'tool_choice' must be \"none\", \"auto\", \"required\" or a function; got \"{other}\".", "tool_choice"),
            };
        var named = choice.ValueKind == JsonValueKind.Object
            && choice.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.Object
            && f.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        if (named is null)
            throw OpenAiException.BadRequest("'tool_choice' object must be {\"type\":\"function\",\"function\":{\"name\":…}}.", "tool_choice");
        if (tools.All(t => t.Name != named))
            throw OpenAiException.BadRequest($"'tool_choice' names function '{named}', which is not in 'tools'.", "tool_choice");
        return true;
    }
}
