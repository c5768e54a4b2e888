using System.Text.Json;
using Dynamo.Abstractions.Preprocessing;
using Dynamo.Abstractions.Requests;
using Dynamo.Templates.Jinja.Runtime;

namespace Dynamo.Templates.Jinja.ChatTemplates;

/// <summary>
/// A Hugging Face chat template rendered with the variables <c>apply_chat_template</c> gives it:
/// <c>messages</c> (see <see cref="TemplateMessage"/>), <c>tools</c> (none without tools),
/// <c>add_generation_prompt</c>, <c>bos_token</c>, <c>eos_token</c> and the request's
/// <c>chat_template_kwargs</c>.
/// </summary>
public sealed class JinjaChatTemplate(JinjaTemplate template) : IChatTemplate
{
    // Decided once from the source: a template that concatenates arguments gets them as JSON text.
    private readonly bool _argumentsAsText = ConcatenatedArguments.In(template);

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

    public Dictionary<string, object?> Variables(ChatTemplateInput input)
    {
        var variables = new Dictionary<string, object?>();
        foreach (var (name, value) in input.Kwargs ?? new Dictionary<string, JsonElement>())
            variables[name] = JsonValues.From(value);
        variables["messages"] = input.Messages.Select(m => TemplateMessage.From(m, _argumentsAsText)).ToList();
        variables["tools"] = input.Tools is { Count: > 0 } tools ? tools.Select(Tool).ToList() : null;
        variables["add_generation_prompt"] = input.AddGenerationPrompt;
        variables["bos_token"] = input.BosToken ?? "";
        variables["eos_token"] = input.EosToken ?? "";
        return variables;
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
