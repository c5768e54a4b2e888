using System.Text.Json.Serialization;

namespace Dynamo.Host.OpenAi;

/// <summary>A text completion, whole or as one streamed chunk (<c>object: text_completion</c> either way, as OpenAI does).</summary>
internal sealed record CompletionResponse(string Id, long Created, string Model, List<CompletionChoice> Choices, UsageBody? Usage)
{
    public string Object => "text_completion";
}

internal sealed record CompletionChoice(int Index, string Text, string? FinishReason, CompletionLogprobs? Logprobs = null)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public CompletionLogprobs? Logprobs { get; init; } = Logprobs;

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? FinishReason { get; init; } = FinishReason;
}
