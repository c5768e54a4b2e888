using System.Text.Json;
using Dynamo.Abstractions.Requests;
using Dynamo.Runtime.Errors;
using RuntimeToolChoice = Dynamo.Runtime.Pipeline.ToolChoice;

namespace Dynamo.Host.OpenAi;

/// <summary>Validates OpenAI chat messages and tools and turns them into the shared records templates see.</summary>
internal static class ChatMessageConverter
{
    private static readonly HashSet<string> Roles = ["system", "developer", "user", "assistant", "tool"];

    public static IReadOnlyList<ChatMessage> Messages(List<ChatMessageBody>? messages)
    {
        if (messages is null or { Count: 0 })
            throw DynamoRequestException.BadRequest("'messages' must be a non-empty array.", "messages");
        return messages.Select(Message).ToList();
    }

    private static ChatMessage Message(ChatMessageBody? body, int index)
    {
        var at = $"messages[{index}]";
        if (body is null)
            throw DynamoRequestException.BadRequest($"'{at}' must be an object.", at);
        if (string.IsNullOrEmpty(body.Role) || !Roles.Contains(body.Role))
            throw DynamoRequestException.BadRequest(
                $"'{at}.role' must be one of {string.Join(", ", Roles)}; got {(body.Role is null ? "nothing" : $"'{body.Role}'")}.", $"{at}.role");
        var (content, parts) = Content(body.Content, $"{at}.content");
        var toolCalls = body.ToolCalls?.Select((c, i) => ToolCall(c, $"{at}.tool_calls[{i}]")).ToList();
        if (content is null && body.Role != "assistant")
            throw DynamoRequestException.BadRequest($"'{at}.content' is required for a {body.Role} message.", $"{at}.content");
        if (content is null && toolCalls is null or { Count: 0 })
            throw DynamoRequestException.BadRequest($"'{at}' needs 'content' or 'tool_calls'.", $"{at}.content");
        if (body.Role == "tool" && string.IsNullOrEmpty(body.ToolCallId))
            throw DynamoRequestException.BadRequest($"'{at}.tool_call_id' is required for a tool message.", $"{at}.tool_call_id");
        return new ChatMessage(body.Role, content, parts, toolCalls, body.ToolCallId, body.Name, body.ReasoningContent);
    }

    private static (string? Text, IReadOnlyList<ContentPart>? Parts) Content(JsonElement? content, string param)
    {
        if (content is not { } value || value.ValueKind == JsonValueKind.Null)
            return (null, null);
        if (value.ValueKind == JsonValueKind.String)
            return (value.GetString(), null);
        if (value.ValueKind != JsonValueKind.Array)
            throw DynamoRequestException.BadRequest($"'{param}' must be a string or an array of content parts.", param);
        var parts = new List<ContentPart>();
        foreach (var (part, i) in value.EnumerateArray().Select((p, i) => (p, i)))
        {
            var type = part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            if (type != "text")
                throw DynamoRequestException.BadRequest(
                    $"'{param}[{i}]': only text parts are supported (type \"text\"), got {(type is null ? "no type" : $"\"{type}\"")}.", $"{param}[{i}].type");
            if (!part.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String)
                throw DynamoRequestException.BadRequest($"'{param}[{i}].text' must be a string.", $"{param}[{i}].text");
            parts.Add(new ContentPart("text", text.GetString()));
        }
        return (string.Join("\n", parts.Select(p => p.Text)), parts);
    }

    private static ToolCall ToolCall(ToolCallBody? call, string at)
    {
        if (call?.Function?.Name is not { Length: > 0 } name)
            throw DynamoRequestException.BadRequest($"'{at}.function.name' is required.", $"{at}.function.name");
        var arguments = call.Function.Arguments switch
        {
            null => "{}",
            { ValueKind: JsonValueKind.String } s => s.GetString()!,
            { ValueKind: JsonValueKind.Object } o => o.GetRawText(),
            _ => throw DynamoRequestException.BadRequest($"'{at}.function.arguments' must be a JSON string.", $"{at}.function.arguments"),
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
                throw DynamoRequestException.BadRequest($"'tools[{i}].type' must be \"function\".", $"tools[{i}].type");
            if (tool.Function?.Name is not { Length: > 0 } name)
                throw DynamoRequestException.BadRequest($"'tools[{i}].function.name' is required.", $"tools[{i}].function.name");
            return new ToolDefinition(name, tool.Function.Description, tool.Function.Parameters, tool.Function.Strict ?? false);
        }).ToList();
    }

    /// <summary><c>tool_choice</c>: "none", "auto", "required" or <c>{"type":"function","function":{"name":…}}</c>; null when not given.</summary>
    public static RuntimeToolChoice? ToolChoice(JsonElement? toolChoice)
    {
        if (toolChoice is not { } choice || choice.ValueKind == JsonValueKind.Null)
            return null;
        if (choice.ValueKind == JsonValueKind.String)
            return choice.GetString() switch
            {
                "none" => RuntimeToolChoice.None,
                "auto" => RuntimeToolChoice.Auto,
                "required" => RuntimeToolChoice.Required,
                var other => throw DynamoRequestException.BadRequest($"'tool_choice' must be \"none\", \"auto\", \"required\" or a function; got \"{other}\".", "tool_choice"),
            };
        var named = choice.ValueKind == JsonValueKind.Object
            && choice.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.Object
            && f.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        return named is { Length: > 0 }
            ? RuntimeToolChoice.ForFunction(named)
            : throw DynamoRequestException.BadRequest("'tool_choice' object must be {\"type\":\"function\",\"function\":{\"name\":…}}.", "tool_choice");
    }
}
