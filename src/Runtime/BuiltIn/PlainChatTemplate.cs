using System.Text;
using System.Text.Json;
using Dynamo.Abstractions.Preprocessing;

namespace Dynamo.Runtime.BuiltIn;

/// <summary>
/// The built-in <c>plain</c> template for models without one: each message as
/// <c>role: content</c> on its own line, tools listed as JSON in a leading system line, and
/// <c>assistant:</c> as the generation prompt.
/// </summary>
internal sealed class PlainChatTemplate : IChatTemplate
{
    public string Render(ChatTemplateInput input)
    {
        var prompt = new StringBuilder();
        if (input.Tools is { Count: > 0 } tools)
        {
            prompt.Append("system: tools available: ");
            prompt.Append(JsonSerializer.Serialize(tools.Select(t => t.Name)));
            prompt.Append('\n');
        }
        foreach (var message in input.Messages)
        {
            prompt.Append(message.Role).Append(": ").Append(message.Content);
            foreach (var call in message.ToolCalls ?? [])
                prompt.Append(" [call ").Append(call.Name).Append(' ').Append(call.ArgumentsJson).Append(']');
            prompt.Append('\n');
        }
        if (input.AddGenerationPrompt)
            prompt.Append("assistant:");
        return prompt.ToString();
    }
}
