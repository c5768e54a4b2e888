using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dynamo.Host.Responses;

/// <summary>A response (<c>object: response</c>), as created, streamed, stored and read back.</summary>
internal sealed record ResponseObject(
    string Id,
    long CreatedAt,
    string Status,
    string Model,
    List<OutputItem> Output,
    ResponseUsage? Usage,
    IncompleteDetails? IncompleteDetails,
    ResponseError? Error,
    string? Instructions,
    int? MaxOutputTokens,
    string? PreviousResponseId,
    ReasoningOut Reasoning,
    bool Store,
    float? Temperature,
    float? TopP,
    bool ParallelToolCalls,
    JsonElement ToolChoice,
    List<JsonElement> Tools,
    Dictionary<string, string> Metadata,
    string? User)
{
    [JsonPropertyOrder(-1)]
    public string Object => "response";

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public IncompleteDetails? IncompleteDetails { get; init; } = IncompleteDetails;

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public ResponseError? Error { get; init; } = Error;

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Instructions { get; init; } = Instructions;

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? PreviousResponseId { get; init; } = PreviousResponseId;

    public TextOut Text => new(new TextFormatOut("text"));

    public string Truncation => "disabled";
}

internal sealed record ReasoningOut(string? Effort, string? Summary)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Effort { get; init; } = Effort;

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Summary { get; init; } = Summary;
}

internal sealed record TextOut(TextFormatOut Format);

internal sealed record TextFormatOut(string Type);

internal sealed record IncompleteDetails(string Reason);

internal sealed record ResponseError(string Code, string Message);

internal sealed record ResponseUsage(int InputTokens, InputTokensDetails InputTokensDetails, int OutputTokens, OutputTokensDetails OutputTokensDetails, int TotalTokens);

internal sealed record InputTokensDetails(int CachedTokens);

internal sealed record OutputTokensDetails(int ReasoningTokens);

/// <summary>
/// One output item: <c>message</c> (output_text parts), <c>reasoning</c> (summary or reasoning text,
/// and the encrypted content when asked for), <c>function_call</c> or <c>custom_tool_call</c>.
/// </summary>
internal sealed record OutputItem(
    string Id,
    string Type,
    string? Status = null,
    string? Role = null,
    List<OutputContent>? Content = null,
    List<OutputContent>? Summary = null,
    string? EncryptedContent = null,
    string? CallId = null,
    string? Name = null,
    string? Namespace = null,
    string? Arguments = null,
    string? Input = null);

/// <summary><c>output_text</c> (with its annotations, and log probabilities when asked for), <c>summary_text</c> or <c>reasoning_text</c>.</summary>
internal sealed record OutputContent(string Type, string Text, List<JsonElement>? Annotations = null, List<OpenAi.TokenLogprobOut>? Logprobs = null);

/// <summary>One streamed event: its type, its place in the stream, and the fields that type carries.</summary>
internal sealed record StreamEvent(
    string Type,
    int SequenceNumber,
    ResponseObject? Response = null,
    int? OutputIndex = null,
    OutputItem? Item = null,
    string? ItemId = null,
    int? ContentIndex = null,
    int? SummaryIndex = null,
    OutputContent? Part = null,
    string? Delta = null,
    string? Text = null,
    string? Arguments = null,
    string? Input = null,
    List<OpenAi.TokenLogprobOut>? Logprobs = null);

/// <summary><c>DELETE /v1/responses/{id}</c>.</summary>
internal sealed record DeletedResponse(string Id)
{
    public string Object => "response.deleted";

    public bool Deleted => true;
}

/// <summary>A failure after the stream began: OpenAI's <c>error</c> event.</summary>
internal sealed record StreamError(string? Code, string Message, string? Param, int SequenceNumber)
{
    [JsonPropertyOrder(-1)]
    public string Type => "error";
}
