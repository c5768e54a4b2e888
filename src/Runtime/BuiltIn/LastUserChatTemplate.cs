using Dynamo.Abstractions.Preprocessing;

namespace Dynamo.Runtime.BuiltIn;

/// <summary>
/// The built-in <c>last-user</c> template: the prompt is the last user message, verbatim. With
/// the echo engine it makes a model that answers exactly what it was sent, so a user message
/// shaped like model output drives the reasoning and tool-call parsers end to end.
/// </summary>
internal sealed class LastUserChatTemplate : IChatTemplate
{
    public string Render(ChatTemplateInput input) =>
        input.Messages.LastOrDefault(m => m.Role == "user")?.Content
        ?? throw new ChatTemplateException("The 'last-user' template needs at least one user message.");
}
