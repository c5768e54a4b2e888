using System.Text.Json.Serialization;
using Dynamo.Abstractions.Requests;

namespace Dynamo.Runtime.Tracing;

/// <summary>One line of the trace: <c>{"timestamp": ms, "event": {…}}</c>.</summary>
internal sealed record AgentTraceLine(long Timestamp, AgentTraceEvent Event);

/// <summary>An event of schema <c>dynamo.agent.trace.v1</c>: a request that ended, or a tool event a harness posted.</summary>
/// <param name="EventType"><c>request_end</c>, <c>tool_start</c>, <c>tool_end</c> or <c>tool_error</c>.</param>
/// <param name="EventSource"><c>dynamo</c> or <c>harness</c>.</param>
internal sealed record AgentTraceEvent(
    string EventType,
    long EventTimeUnixMs,
    string EventSource,
    AgentContext? AgentContext,
    RequestTrace? Request = null,
    ToolTrace? Tool = null)
{
    [JsonPropertyOrder(-1)]
    public string Schema => "dynamo.agent.trace.v1";
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
    string? IdentitySource = null);

internal sealed record WorkerTrace(string WorkerId, int Migrations);

/// <summary>A harness's tool call, tied to the trajectory by its agent context.</summary>
internal sealed record ToolTrace(string ToolCallId, string? ToolClass, string? Status, double? DurationMs, long? OutputBytes);
