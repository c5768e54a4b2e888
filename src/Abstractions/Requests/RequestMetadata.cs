namespace Dynamo.Abstractions.Requests;

/// <summary>The typed <c>nvext</c> of a request, carried from the frontend to router and engine.</summary>
public sealed record RequestMetadata(AgentContext? AgentContext, AgentHints? AgentHints)
{
    public static readonly RequestMetadata Empty = new(null, null);

    /// <summary>Effective priority: <c>agent_hints.priority</c>, 0 when absent.</summary>
    public int Priority => AgentHints?.Priority ?? 0;
}
