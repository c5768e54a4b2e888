using Dynamo.Abstractions.Requests;

namespace Dynamo.Host.Http;

/// <summary>
/// Agent identity from the headers harnesses send, as Dynamo reads them: <c>X-Dynamo-Session-ID</c>,
/// <c>X-Dynamo-Parent-Session-ID</c> and <c>X-Dynamo-Session-Final</c>; Claude Code's
/// <c>X-Claude-Code-Session-Id</c> (with <c>x-claude-code-agent-id</c> and <c>x-claude-code-parent-agent-id</c>
/// as trajectory and parent trajectory); Codex's <c>session-id</c>; OpenCode's <c>x-session-id</c> and
/// <c>x-parent-session-id</c>. What the body's <c>nvext.agent_context</c> says wins; headers fill in the rest.
/// The scheduling headers (<see cref="PriorityHeaders"/>) are applied here too, and they win over the body.
/// </summary>
internal static class SessionHeaders
{
    // In order of precedence: Dynamo's own, then each harness's.
    private static readonly string[] SessionIds = ["X-Dynamo-Session-ID", "X-Claude-Code-Session-Id", "session-id", "x-session-id"];
    private static readonly string[] ParentSessionIds = ["X-Dynamo-Parent-Session-ID", "x-parent-session-id"];

    /// <summary>The request's metadata with the headers' identity merged in, and where its session id came from (for the trace).</summary>
    /// <param name="bodySessionKey">A session key the API's body carries (the Responses API's <c>prompt_cache_key</c>), after the headers.</param>
    public static (RequestMetadata Metadata, string? Source) Apply(HttpRequest request, RequestMetadata metadata, string? bodySessionKey = null)
    {
        var body = metadata.AgentContext;
        var (headerSession, sessionHeader) = First(request, SessionIds);
        var (parentSession, _) = First(request, ParentSessionIds);
        var agent = Header(request, "x-claude-code-agent-id");
        var parentAgent = Header(request, "x-claude-code-parent-agent-id");
        var context = new AgentContext(
            body?.SessionTypeId,
            body?.SessionId ?? headerSession ?? bodySessionKey,
            body?.TrajectoryId ?? agent,
            body?.ParentTrajectoryId ?? parentAgent,
            body?.ParentSessionId ?? parentSession);
        var source = metadata.SessionId is not null ? "nvext"
            : headerSession is not null ? sessionHeader
            : bodySessionKey is not null ? "prompt_cache_key"
            : null;
        // Session-Final ends the session's binding and KV hold, as session_control close does (which, when given, wins).
        var control = metadata.SessionControl;
        if (control is null && context.SessionId is { } session && Header(request, "X-Dynamo-Session-Final") is "true" or "1")
            control = new SessionControl(session, SessionAction.Close);
        var anything = context != new AgentContext(null, null, null, null);
        return (PriorityHeaders.Apply(request, metadata with { AgentContext = anything ? context : null, SessionControl = control }), source);
    }

    private static (string? Value, string? Header) First(HttpRequest request, string[] names)
    {
        foreach (var name in names)
            if (Header(request, name) is { } value)
                return (value, name.ToLowerInvariant());
        return (null, null);
    }

    private static string? Header(HttpRequest request, string name) =>
        request.Headers[name].FirstOrDefault() is { Length: > 0 } value ? value.Trim() : null;
}
