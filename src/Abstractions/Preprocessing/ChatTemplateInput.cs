using System.Text.Json;
using Dynamo.Abstractions.Requests;

namespace Dynamo.Abstractions.Preprocessing;

/// <summary>Everything a Hugging Face chat template is rendered with.</summary>
/// <param name="Kwargs">Extra template variables (<c>chat_template_kwargs</c>, e.g. enable_thinking).</param>
public sealed record ChatTemplateInput(
    IReadOnlyList<ChatMessage> Messages,
    IReadOnlyList<ToolDefinition>? Tools,
    bool AddGenerationPrompt,
    string? BosToken,
    string? EosToken,
    IReadOnlyDictionary<string, JsonElement>? Kwargs);
