using System.Text.Json;
using Dynamo.Abstractions.Requests;
using Dynamo.Host.OpenAi;
using Dynamo.Runtime.Errors;
using Dynamo.Runtime.Tracing;

namespace Dynamo.Host.Tracing;

/// <summary>
/// <c>POST /v1/agent/tool_events</c>: a harness reports a tool call (<c>tool_start</c>,
/// <c>tool_end</c>, <c>tool_error</c>); it joins the request trace, tied to the requests by
/// <c>agent_context</c> (or Dynamo's ingress shape, a top-level <c>session_id</c> and
/// <c>parent_session_id</c>). Statuses are normalized as Dynamo does (<c>ok</c> → <c>succeeded</c>,
/// <c>failed</c> → <c>error</c>, <c>timeout</c> → <c>cancelled</c>). Answers 202 once queued.
/// </summary>
internal sealed class ToolEventsEndpoint(RequestBodyReader reader, TimeProvider clock, RequestTracer? tracer = null)
{
    private static readonly string[] EventTypes = ["tool_start", "tool_end", "tool_error"];

    // Every field this endpoint reads: anything else is refused by name, never silently dropped.
    private static readonly string[] RootFields = ["schema", "event_type", "event_time_unix_ms", "event_source", "session_id", "parent_session_id", "agent_context", "tool"];
    private static readonly string[] ToolFields = ["tool_call_id", "tool_class", "status", "started_at_unix_ms", "ended_at_unix_ms", "duration_ms",
        "output_tokens", "output_bytes", "tool_name_hash", "error_type"];
    private static readonly string[] ContextFields = ["session_type_id", "session_id", "trajectory_id", "parent_trajectory_id", "parent_session_id"];

    public async Task HandleAsync(HttpContext context)
    {
        if (tracer is null)
            throw new DynamoRequestException(RequestErrorKind.NotFound,
                "Request tracing is off: enable it with DYN_REQUEST_TRACE=1 (or 'Dynamo:RequestTrace:Enabled') to post tool events.", null, "agent_trace_disabled");
        var body = await reader.ReadAsync(context.Request, OpenAiJson.Context.JsonElement, context.RequestAborted);
        tracer.Record(Parse(body));
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        await context.Response.WriteAsJsonAsync(new { accepted = true }, context.RequestAborted);
    }

    private TraceEvent Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
            throw DynamoRequestException.BadRequest("The body must be a JSON object.");
        Known(root, RootFields, "");
        if (String(root, "event_source", "event_source") is { } source && source != "harness")
            throw DynamoRequestException.BadRequest("'event_source' of a posted tool event must be \"harness\".", "event_source");
        var type = String(root, "event_type", "event_type");
        if (type is null || !EventTypes.Contains(type))
            throw DynamoRequestException.BadRequest($"'event_type' must be one of {string.Join(", ", EventTypes)}.", "event_type");
        if (!root.TryGetProperty("tool", out var tool) || tool.ValueKind != JsonValueKind.Object)
            throw DynamoRequestException.BadRequest("'tool' must be an object with at least 'tool_call_id'.", "tool");
        Known(tool, ToolFields, "tool.");
        var callId = String(tool, "tool_call_id", "tool.tool_call_id");
        if (string.IsNullOrEmpty(callId))
            throw DynamoRequestException.BadRequest("'tool.tool_call_id' is required.", "tool.tool_call_id");
        if (String(root, "schema", "schema") is { } schema && schema is not (RequestTraceOptions.Schema or RequestTraceOptions.LegacySchema))
            throw DynamoRequestException.BadRequest($"'schema' must be {RequestTraceOptions.Schema}.", "schema");
        var time = Number(root, "event_time_unix_ms", "event_time_unix_ms");
        return new TraceEvent(type, (long?)time ?? clock.GetUtcNow().ToUnixTimeMilliseconds(), "harness", Context(root),
            Tool: new ToolTrace(callId, String(tool, "tool_class", "tool.tool_class"), Status(String(tool, "status", "tool.status")),
                (long?)Number(tool, "started_at_unix_ms", "tool.started_at_unix_ms"), (long?)Number(tool, "ended_at_unix_ms", "tool.ended_at_unix_ms"),
                Number(tool, "duration_ms", "tool.duration_ms"), (long?)Number(tool, "output_tokens", "tool.output_tokens"),
                (long?)Number(tool, "output_bytes", "tool.output_bytes"), String(tool, "tool_name_hash", "tool.tool_name_hash"), String(tool, "error_type", "tool.error_type")));
    }

    private static string? Status(string? status) => status?.ToLowerInvariant() switch
    {
        null => null,
        "running" => "running",
        "succeeded" or "success" or "ok" => "succeeded",
        "error" or "failed" => "error",
        "cancelled" or "canceled" or "timeout" => "cancelled",
        _ => throw DynamoRequestException.BadRequest($"'tool.status' must be running, succeeded, error or cancelled, got '{status}'.", "tool.status"),
    };

    private static AgentContext? Context(JsonElement root)
    {
        if (!root.TryGetProperty("agent_context", out var context) || context.ValueKind == JsonValueKind.Null)
            return String(root, "session_id", "session_id") is { } session
                ? new AgentContext(null, session, null, null, String(root, "parent_session_id", "parent_session_id"))
                : null;
        if (context.ValueKind != JsonValueKind.Object)
            throw DynamoRequestException.BadRequest("'agent_context' must be an object.", "agent_context");
        Known(context, ContextFields, "agent_context.");
        return new AgentContext(String(context, "session_type_id", "agent_context.session_type_id"), String(context, "session_id", "agent_context.session_id"),
            String(context, "trajectory_id", "agent_context.trajectory_id"), String(context, "parent_trajectory_id", "agent_context.parent_trajectory_id"),
            String(context, "parent_session_id", "agent_context.parent_session_id"));
    }

    private static void Known(JsonElement element, string[] fields, string prefix)
    {
        foreach (var field in element.EnumerateObject())
            if (!fields.Contains(field.Name))
                throw DynamoRequestException.BadRequest($"'{prefix}{field.Name}' is not a tool event field (known: {string.Join(", ", fields)}).", prefix + field.Name);
    }

    private static string? String(JsonElement parent, string name, string param) =>
        !parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw DynamoRequestException.BadRequest($"'{param}' must be a string.", param);

    private static double? Number(JsonElement parent, string name, string param) =>
        !parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.Number && value.GetDouble() >= 0 ? value.GetDouble()
        : throw DynamoRequestException.BadRequest($"'{param}' must be a number, 0 or more.", param);
}
