using System.Text.Json;
using Dynamo.Abstractions.Requests;
using Dynamo.Templates.Jinja.Runtime;

namespace Dynamo.Templates.Jinja.ChatTemplates;

/// <summary>
/// One message as templates read it: role, content, and where present reasoning_content,
/// thinking, tool_plan, tool_calls, tool_call_id, name (absent ones omitted). An assistant's
/// reasoning is also its <c>thinking</c> (what gpt-oss's template shows) and, beside tool calls,
/// its <c>tool_plan</c> (Command R7B's), as llama.cpp passes them to those templates.
/// </summary>
internal static class TemplateMessage
{
    /// <param name="argumentsAsText">Tool-call arguments as the JSON text the client sent, for a template that concatenates them; else the object they encode.</param>
    public static object? From(ChatMessage m, bool argumentsAsText)
    {
        // No content (an assistant turn of only tool calls) is empty text, as vLLM passes it: most templates test content as a string.
        var message = new OrderedDictionary<object, object?> { ["role"] = m.Role, ["content"] = m.Content ?? "" };
        var hasCalls = m.ToolCalls is { Count: > 0 };
        if (m.ReasoningContent is { } reasoning)
        {
            message["reasoning_content"] = reasoning;
            if (m.Role == "assistant")
            {
                message["thinking"] = reasoning;
                if (hasCalls)
                    message["tool_plan"] = reasoning;
            }
        }
        if (hasCalls)
            message["tool_calls"] = m.ToolCalls!.Select(c => (object?)new OrderedDictionary<object, object?>
            {
                ["id"] = c.Id,
                ["type"] = "function",
                ["function"] = new OrderedDictionary<object, object?> { ["name"] = c.Name, ["arguments"] = argumentsAsText ? c.ArgumentsJson : Arguments(c.ArgumentsJson) },
            }).ToList();
        if (m.ToolCallId is not null)
            message["tool_call_id"] = m.ToolCallId;
        if (m.Name is not null)
            message["name"] = m.Name;
        return message;
    }

    /// <summary>Arguments as the object they encode (templates print them with tojson or walk their items); text that is not JSON stays text.</summary>
    private static object? Arguments(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return JsonValues.From(document.RootElement);
        }
        catch (JsonException)
        {
            return json;
        }
    }
}
