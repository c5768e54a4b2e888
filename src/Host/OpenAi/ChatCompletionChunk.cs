using System.Text.Json.Serialization;

namespace Dynamo.Host.OpenAi;

/// <summary>One streamed chunk (<c>object: chat.completion.chunk</c>); the usage chunk has no choices.</summary>
internal sealed record ChatCompletionChunk(string Id, long Created, string Model, List<ChunkChoice> Choices, UsageBody? Usage)
{
    public string Object => "chat.completion.chunk";
}

internal sealed record ChunkChoice(int Index, ChunkDelta Delta, string? FinishReason, ChatLogprobs? Logprobs = null)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public ChatLogprobs? Logprobs { get; init; } = Logprobs;

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? FinishReason { get; init; } = FinishReason;
}

internal sealed record ChunkDelta(string? Role, string? Content, string? ReasoningContent, List<ToolCallOut>? ToolCalls);
