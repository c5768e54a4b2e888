using System.Text.Json.Serialization;

namespace Dynamo.Host.OpenAi;

/// <summary>A whole chat completion (<c>object: chat.completion</c>).</summary>
internal sealed record ChatCompletionResponse(string Id, long Created, string Model, List<ChatChoice> Choices, UsageBody? Usage)
{
    public string Object => "chat.completion";
}

internal sealed record ChatChoice(int Index, ChatMessageOut Message, string? FinishReason, ChatLogprobs? Logprobs = null)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public ChatLogprobs? Logprobs { get; init; } = Logprobs;

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? FinishReason { get; init; } = FinishReason;
}

internal sealed record ChatMessageOut(string Role, string? Content, string? ReasoningContent, List<ToolCallOut>? ToolCalls)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Content { get; init; } = Content;
}

internal sealed record ToolCallOut(int? Index, string? Id, string? Type, FunctionOut Function);

internal sealed record FunctionOut(string? Name, string? Arguments);

internal sealed record UsageBody(int PromptTokens, int CompletionTokens, int TotalTokens, PromptTokensDetails? PromptTokensDetails);

internal sealed record PromptTokensDetails(int CachedTokens);
