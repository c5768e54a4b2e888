namespace Dynamo.Abstractions.Requests;

/// <summary>Who is asking, from an agent harness's point of view (<c>nvext.agent_context</c>).</summary>
public sealed record AgentContext(
    string? SessionTypeId,
    string? SessionId,
    string? TrajectoryId,
    string? ParentTrajectoryId);
