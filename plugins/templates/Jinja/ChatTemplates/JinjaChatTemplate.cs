using System.Text.Json;
using Dynamo.Abstractions.Preprocessing;
using Dynamo.Abstractions.Requests;
using Dynamo.Templates.Jinja.Runtime;

namespace Dynamo.Templates.Jinja.ChatTemplates;

/// <summary>
/// A Hugging Face chat template rendered with the variables <c>apply_chat_template</c> gives it:
/// <c>messages</c> (fields role, content, reasoning_content, tool_calls, tool_call_id, name; absent
/// ones omitted; tool-call arguments as objects), <c>tools</c> (none without tools),
/// <c>add_generation_prompt</c>, <c>bos_token</c>, <c>eos_token</c> and the request's
/// <c>chat_template_kwargs</c>.
/// </summary>
public sealed class JinjaChatTemplate(JinjaTemplate template) : IChatTemplate
{
    public string Render(ChatTemplateInput input)
    {
        try
        {
            return template.Render(Variables(input));
        }
        catch (RaisedException e)
        {
            throw new ChatTemplateException(e.Message, e);
        }
        catch (TemplateException e)
        {
            throw new ChatTemplateException($"the chat template failed at {e.Message}", e);
        }
    }

    public static Dictionary<string, object?> Variables(ChatTemplateInput input)
    {
        var variables = new Dictionary<string, object?>();
        foreach (var (name, value) in input.Kwargs ?? new Dictionary<string, JsonElement>())
            variables[name] = JsonValues.From(value);
        variables["messages"] = input.Messages.Select(Message).ToList();
        variables["tools"] = input.Tools is { Count: > 0 } tools ? tools.Select(Tool).ToList() : null;
        variables["add_generation_prompt"] = input.AddGenerationPrompt;
        variables["bos_token"] = input.BosToken ?? "";
        variables["eos_token"] = input.EosToken ?? "";
        return variables;
    }

    private static object? Message(ChatMessage m)
    {
        var message = new OrderedDictionary<object, object?> { ["role"] = m.Role, ["content"] = m.Content };
        if (m.ReasoningContent is not null)
            message["reasoning_content"] = m.ReasoningContent;
        if (m.ToolCalls is { Count: > 0 })
            message["tool_calls"] = m.ToolCalls.Select(c => (object?)new OrderedDictionary<object, object?>
            {
                ["id"] = c.Id,
                ["type"] = "function",
                ["function"] = new OrderedDictionary<object, object?> { ["name"] = c.Name, ["arguments"] = Arguments(c.ArgumentsJson) },
            }).ToList();
        if (m.ToolCallId is not null)
            message["tool_call_id"] = m.ToolCallId;
        if (m.Name is not null)
            message["name"] = m.Name;
        return message;
    }

    /// <summary>Arguments as the object they encode (templates print them with tojson); text that is not JSON stays text.</summary>
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

    private static object? Tool(ToolDefinition tool)
    {
        var function = new OrderedDictionary<object, object?> { ["name"] = tool.Name };
        if (tool.Description is not null)
            function["description"] = tool.Description;
        if (tool.Parameters is { } parameters)
            function["parameters"] = JsonValues.From(parameters);
        return new OrderedDictionary<object, object?> { ["type"] = "function", ["function"] = function };
    }
}
