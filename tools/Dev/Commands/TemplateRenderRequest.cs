using System.Text.Json;
using Dynamo.Host.OpenAi;

namespace Dynamo.Dev.Commands;

/// <summary>One input of <c>dynamo-dev template render</c>: what a chat request gives a template, plus the special tokens to render with.</summary>
internal sealed class TemplateRenderRequest
{
    public JsonElement? Id { get; init; }
    public List<ChatMessageBody>? Messages { get; init; }
    public List<ToolBody>? Tools { get; init; }
    public bool? AddGenerationPrompt { get; init; }
    public Dictionary<string, JsonElement>? ChatTemplateKwargs { get; init; }
    public string? BosToken { get; init; }
    public string? EosToken { get; init; }
}
