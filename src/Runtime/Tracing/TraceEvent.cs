using System.Text.Json;
using System.Text.Json.Serialization;
using Dynamo.Abstractions.Requests;
using Dynamo.Abstractions.Routing;

namespace Dynamo.Runtime.Tracing;

/// <summary>
/// A record of the request trace (<c>dynamo.request.trace.v1</c>, or the older <c>dynamo.agent.trace.v1</c>):
/// exactly one of <see cref="Request"/>, <see cref="Tool"/>, <see cref="Payload"/>, <see cref="RouterSelection"/> is set.
/// </summary>
/// <param name="EventType"><c>request_end</c>, <c>request_payload</c>, <c>router_selection</c>, <c>tool_start</c>, <c>tool_end</c> or <c>tool_error</c>.</param>
/// <param name="EventSource"><c>dynamo</c> or <c>harness</c>.</param>
internal sealed record TraceEvent(
    string EventType,
    long EventTimeUnixMs,
    string? EventSource,
    AgentContext? AgentContext,
    RequestTrace? Request = null,
    ToolTrace? Tool = null,
    PayloadTrace? Payload = null,
    RouterSelectionTrace? RouterSelection = null)
{
    [JsonPropertyOrder(-1)]
    public string Schema { get; init; } = RequestTraceOptions.Schema;

    /// <summary>The record type of <c>DYN_REQUEST_TRACE_RECORDS</c> this event belongs to.</summary>
    [JsonIgnore]
    public string Kind => Tool is not null ? TraceRecordKinds.Tool : EventType;
}

/// <summary>What a request cost, as the frontend saw it.</summary>
/// <param name="PrefillWaitTimeMs">From arrival until a worker had it: the admission queue and the router.</param>
/// <param name="PrefillTimeMs">From then to the first token: the worker's own queue and prefill.</param>
/// <param name="Endpoint">The front door: <c>chat_completions</c>, <c>completions</c>, <c>messages</c>, <c>responses</c>, <c>in_process</c>.</param>
/// <param name="IdentitySource">Where the agent identity came from: <c>nvext</c>, or the header that carried it.</param>
internal sealed record RequestTrace(
    string RequestId,
    string? XRequestId,
    string Model,
    string Status,
    int InputTokens,
    int OutputTokens,
    int CachedTokens,
    long RequestReceivedMs,
    double PrefillWaitTimeMs,
    double? PrefillTimeMs,
    double? TtftMs,
    double TotalTimeMs,
    double? AvgItlMs,
    double KvHitRate,
    int QueueDepth,
    WorkerTrace? Worker,
    string? Endpoint = null,
    string? IdentitySource = null,
    ReplayTrace? Replay = null,
    FinishReasonMetadata? FinishReasonMetadata = null);

/// <summary>
/// Where the request ran. Aggregated workers prefill and decode, so both ids name the same worker;
/// <see cref="WorkerId"/> and <see cref="Migrations"/> are ours (the older schema had only them).
/// </summary>
/// <param name="KvTransferEstimatedMs">Disaggregated: the KV transfer's estimated time from prefill to decode worker.</param>
internal sealed record WorkerTrace(string WorkerId, int Migrations, string? PrefillWorkerId, int? PrefillDpRank, string? DecodeWorkerId, int? DecodeDpRank,
    double? KvTransferEstimatedMs = null);

/// <summary>What a replay needs: the prompt's length and the sequence hash of each of its blocks (the last one may be partial).</summary>
internal sealed record ReplayTrace(int TraceBlockSize, int InputLength, ulong[] InputSequenceHashes);

/// <param name="FinishReason">The API's final reason (<c>tool_calls</c> once the parser found calls).</param>
/// <param name="BackendFinishReason">The engine's own reason.</param>
/// <param name="StopReason">The stop string that ended the output, when one did.</param>
internal sealed record FinishReasonMetadata(string FinishReason, string BackendFinishReason, string? StopReason, IReadOnlyList<ToolCallTrace>? ToolCalls);

/// <summary>A tool call the model made: never its arguments.</summary>
internal sealed record ToolCallTrace(int ChoiceIndex, int ToolCallIndex, string? Id, string? Name);

/// <summary>A harness's tool call, tied to the session by its agent context.</summary>
/// <param name="Status"><c>running</c>, <c>succeeded</c>, <c>error</c> or <c>cancelled</c>.</param>
internal sealed record ToolTrace(
    string ToolCallId,
    string? ToolClass,
    string? Status = null,
    long? StartedAtUnixMs = null,
    long? EndedAtUnixMs = null,
    double? DurationMs = null,
    long? OutputTokens = null,
    long? OutputBytes = null,
    string? ToolNameHash = null,
    string? ErrorType = null);

/// <summary>A chat request's body and its aggregated response, with the allowlisted request headers.</summary>
/// <param name="PayloadDropReason">Why the response is missing: <c>response_stream_dropped</c> (cancelled), <c>request_failed</c>.</param>
internal sealed record PayloadTrace(
    string RequestId,
    string Endpoint,
    string Model,
    JsonElement? Request,
    JsonElement? Response,
    IReadOnlyDictionary<string, string>? HttpRequestHeaders,
    bool PayloadComplete,
    string? PayloadDropReason = null);

/// <summary>One routing decision: every candidate the router weighed and the one chosen.</summary>
/// <param name="Reason">
/// <c>router</c> (the router's choice), <c>session_affinity</c> (a bound session), <c>preferred</c> (a
/// choice of <c>n</c> following the first); <see cref="Attempt"/> above 0 is a migration.
/// </param>
/// <param name="Candidates">As the router scored them; without scores (a load-blind router), as the workers reported their load.</param>
internal sealed record RouterSelectionTrace(
    string RequestId,
    string Model,
    string? Router,
    string SelectedWorkerId,
    string Reason,
    int Attempt,
    int InputBlocks,
    int BlockSize,
    int ExpectedCachedBlocks,
    IReadOnlyList<RouterCandidate> Candidates);
