namespace Dynamo.Abstractions.Requests;

/// <summary>
/// Who is asking, from an agent harness's point of view: <c>nvext.agent_context</c>, or the
/// session headers harnesses send (<c>X-Dynamo-Session-ID</c>, Claude Code's, Codex's, OpenCode's).
/// </summary>
/// <param name="ParentSessionId">The session that spawned this one (a subagent's parent).</param>
public sealed record AgentContext(
    string? SessionTypeId,
    string? SessionId,
    string? TrajectoryId,
    string? ParentTrajectoryId,
    string? ParentSessionId = null);
