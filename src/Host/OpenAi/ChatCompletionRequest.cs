using System.Text.Json;

namespace Dynamo.Host.OpenAi;

/// <summary>The body of <c>POST /v1/chat/completions</c>.</summary>
internal sealed class ChatCompletionRequest : GenerationRequestBody
{
    public List<ChatMessageBody>? Messages { get; init; }
    public List<ToolBody>? Tools { get; init; }
    public JsonElement? ToolChoice { get; init; }
    public int? MaxCompletionTokens { get; init; }
    public Dictionary<string, JsonElement>? ChatTemplateKwargs { get; init; }
    public bool? Logprobs { get; init; }
    public int? TopLogprobs { get; init; }
    public bool? ParallelToolCalls { get; init; }
}

internal sealed record ChatMessageBody(
    string? Role,
    JsonElement? Content,
    string? Name,
    List<ToolCallBody>? ToolCalls,
    string? ToolCallId,
    string? ReasoningContent);

internal sealed record ToolCallBody(string? Id, string? Type, FunctionCallBody? Function);

/// <summary>Arguments are a JSON text per OpenAI; some clients send the object itself, which we accept.</summary>
internal sealed record FunctionCallBody(string? Name, JsonElement? Arguments);

internal sealed record ToolBody(string? Type, FunctionBody? Function);

internal sealed record FunctionBody(string? Name, string? Description, JsonElement? Parameters, bool? Strict = null);

internal sealed record StreamOptionsBody(bool? IncludeUsage);
