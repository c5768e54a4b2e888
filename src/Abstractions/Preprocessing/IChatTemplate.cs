namespace Dynamo.Abstractions.Preprocessing;

/// <summary>Renders a chat into the model's prompt text.</summary>
public interface IChatTemplate
{
    /// <exception cref="ChatTemplateException">The template failed for this input.</exception>
    string Render(ChatTemplateInput input);
}
