using System.Text.Json;
using Dynamo.Abstractions.Requests;
using Dynamo.Host.OpenAi;
using Dynamo.Runtime.Errors;
using Dynamo.Runtime.Tracing;

namespace Dynamo.Host.Tracing;

/// <summary>
/// <c>POST /v1/agent/tool_events</c>: a harness reports a tool call (<c>tool_start</c>,
/// <c>tool_end</c>, <c>tool_error</c>); it joins the requests' trace stream, tied to them by
/// <c>agent_context</c>. Answers 202 once queued.
/// </summary>
internal sealed class ToolEventsEndpoint(RequestBodyReader reader, TimeProvider clock, AgentTracer? tracer = null)
{
    private static readonly string[] EventTypes = ["tool_start", "tool_end", "tool_error"];

    public async Task HandleAsync(HttpContext context)
    {
        if (tracer is null)
            throw new DynamoRequestException(RequestErrorKind.NotFound,
                "Agent tracing is off: enable it with 'Dynamo:AgentTrace:Enabled' or DYN_AGENT_TRACE=1 to post tool events.", null, "agent_trace_disabled");
        var body = await reader.ReadAsync(context.Request, OpenAiJson.Context.JsonElement, context.RequestAborted);
        tracer.Record(Parse(body));
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        await context.Response.WriteAsJsonAsync(new { accepted = true }, context.RequestAborted);
    }

    private AgentTraceEvent Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
            throw DynamoRequestException.BadRequest("The body must be a JSON object.");
        var type = String(root, "event_type", "event_type");
        if (type is null || !EventTypes.Contains(type))
            throw DynamoRequestException.BadRequest($"'event_type' must be one of {string.Join(", ", EventTypes)}.", "event_type");
        if (!root.TryGetProperty("tool", out var tool) || tool.ValueKind != JsonValueKind.Object)
            throw DynamoRequestException.BadRequest("'tool' must be an object with at least 'tool_call_id'.", "tool");
        var callId = String(tool, "tool_call_id", "tool.tool_call_id");
        if (string.IsNullOrEmpty(callId))
            throw DynamoRequestException.BadRequest("'tool.tool_call_id' is required.", "tool.tool_call_id");
        var duration = Number(tool, "duration_ms", "tool.duration_ms");
        var bytes = Number(tool, "output_bytes", "tool.output_bytes");
        var time = Number(root, "event_time_unix_ms", "event_time_unix_ms");
        return new AgentTraceEvent(type, (long?)time ?? clock.GetUtcNow().ToUnixTimeMilliseconds(), "harness", Context(root),
            Tool: new ToolTrace(callId, String(tool, "tool_class", "tool.tool_class"), String(tool, "status", "tool.status"), duration, (long?)bytes));
    }

    private static AgentContext? Context(JsonElement root)
    {
        if (!root.TryGetProperty("agent_context", out var context) || context.ValueKind == JsonValueKind.Null)
            return null;
        if (context.ValueKind != JsonValueKind.Object)
            throw DynamoRequestException.BadRequest("'agent_context' must be an object.", "agent_context");
        return new AgentContext(String(context, "session_type_id", "agent_context.session_type_id"), String(context, "session_id", "agent_context.session_id"),
            String(context, "trajectory_id", "agent_context.trajectory_id"), String(context, "parent_trajectory_id", "agent_context.parent_trajectory_id"));
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
