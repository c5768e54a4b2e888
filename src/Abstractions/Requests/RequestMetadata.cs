namespace Dynamo.Abstractions.Requests;

/// <summary>The typed <c>nvext</c> of a request, carried from the frontend to router and engine.</summary>
public sealed record RequestMetadata(AgentContext? AgentContext, AgentHints? AgentHints, SessionControl? SessionControl = null)
{
    public static readonly RequestMetadata Empty = new(null, null);

    /// <summary>The session a request belongs to: <c>session_control.session_id</c>, else <c>agent_context.session_id</c>.</summary>
    public string? SessionId => SessionControl?.SessionId ?? AgentContext?.SessionId;

    /// <summary>
    /// Effective priority: <c>agent_hints.priority</c> (0 when absent), raised by a positive
    /// <c>latency_sensitivity</c> rounded up (its alias: 1.0 counts as one more priority level).
    /// </summary>
    /// <summary>The absolute tier (<c>agent_hints.strict_priority</c>, 0 when absent): it orders before <see cref="Priority"/> everywhere.</summary>
    public int StrictPriority => AgentHints?.StrictPriority ?? 0;

    /// <summary>Orders requests for every queue: higher strict tier first, then higher priority; ties are left to arrival.</summary>
    public static int CompareUrgency(RequestMetadata a, RequestMetadata b) =>
        a.StrictPriority != b.StrictPriority ? a.StrictPriority.CompareTo(b.StrictPriority) : a.Priority.CompareTo(b.Priority);

    public int Priority => (AgentHints?.Priority ?? 0) + (AgentHints?.LatencySensitivity is > 0 and var ls ? (int)Math.Min(Math.Ceiling(ls), 1_000) : 0);
}
