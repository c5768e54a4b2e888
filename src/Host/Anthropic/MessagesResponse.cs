using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dynamo.Host.Anthropic;

/// <summary>A message, whole (<c>POST /v1/messages</c>) or as <c>message_start</c> carries it (no content yet).</summary>
internal sealed record MessageOut(string Id, string Model, List<ContentBlockOut> Content, string? StopReason, string? StopSequence, UsageOut Usage)
{
    [JsonPropertyOrder(-2)]
    public string Type => "message";

    [JsonPropertyOrder(-1)]
    public string Role => "assistant";

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? StopReason { get; init; } = StopReason;

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? StopSequence { get; init; } = StopSequence;
}

/// <summary>One content block: <c>text</c>, <c>thinking</c> (with its signature) or <c>tool_use</c>.</summary>
internal sealed record ContentBlockOut(string Type, string? Text = null, string? Thinking = null, string? Signature = null,
    string? Id = null, string? Name = null, JsonElement? Input = null);

/// <summary>Anthropic's usage: <c>input_tokens</c> excludes what was read from the cache.</summary>
internal sealed record UsageOut(int InputTokens, int OutputTokens, int CacheReadInputTokens, int CacheCreationInputTokens);

internal sealed record CountTokensOut(int InputTokens);

/// <summary>Anthropic's error body: <c>{"type":"error","error":{"type","message"}}</c>.</summary>
internal sealed record AnthropicErrorBody(AnthropicErrorDetail Error)
{
    [JsonPropertyOrder(-1)]
    public string Type => "error";
}

internal sealed record AnthropicErrorDetail(string Type, string Message);

// The stream's events, in the order they come: message_start; per block content_block_start, deltas,
// content_block_stop; then message_delta and message_stop (ping while nothing else is sent).
internal sealed record MessageStartEvent(MessageOut Message)
{
    [JsonPropertyOrder(-1)]
    public string Type => "message_start";
}

internal sealed record ContentBlockStartEvent(int Index, ContentBlockOut ContentBlock)
{
    [JsonPropertyOrder(-1)]
    public string Type => "content_block_start";
}

internal sealed record ContentBlockDeltaEvent(int Index, BlockDelta Delta)
{
    [JsonPropertyOrder(-1)]
    public string Type => "content_block_delta";
}

/// <summary><c>text_delta</c>, <c>thinking_delta</c>, <c>signature_delta</c> or <c>input_json_delta</c>.</summary>
internal sealed record BlockDelta(string Type, string? Text = null, string? Thinking = null, string? Signature = null, string? PartialJson = null);

internal sealed record ContentBlockStopEvent(int Index)
{
    [JsonPropertyOrder(-1)]
    public string Type => "content_block_stop";
}

internal sealed record MessageDeltaEvent(MessageDelta Delta, UsageOut Usage)
{
    [JsonPropertyOrder(-1)]
    public string Type => "message_delta";
}

internal sealed record MessageDelta(string StopReason, string? StopSequence)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? StopSequence { get; init; } = StopSequence;
}

internal sealed record TypeOnlyEvent(string Type);
