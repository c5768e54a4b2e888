using Dynamo.Abstractions.Requests;
using Dynamo.Runtime.Errors;

namespace Dynamo.Runtime.Pipeline;

/// <summary>
/// Dynamo's request extension (<c>nvext</c>), as any front door receives it: agent context and
/// hints, typed with the shared records, and session control.
/// </summary>
/// <param name="MaxThinkingTokens">Most reasoning tokens before the engine ends the reasoning itself.</param>
/// <param name="CloseOnBudget">Structured output closes what it has open as <c>max_tokens</c> nears, so it ends valid.</param>
/// <param name="ProcessedLogprobs">Log probabilities of the distribution sampled from (after penalties, masks and temperature).</param>
public sealed record Nvext(AgentContext? AgentContext = null, AgentHints? AgentHints = null, NvextSessionControl? SessionControl = null, int? MaxThinkingTokens = null,
    bool? CloseOnBudget = null, bool? ProcessedLogprobs = null)
{
    /// <summary>The checked metadata routers and engines see.</summary>
    /// <exception cref="DynamoRequestException">A field is out of range; the error names it.</exception>
    public RequestMetadata ToMetadata()
    {
        if (AgentHints?.Osl is < 0)
            throw DynamoRequestException.BadRequest($"'nvext.agent_hints.osl' must be 0 or more, got {AgentHints.Osl}.", "nvext.agent_hints.osl");
        if (AgentHints?.StrictPriority is < 0)
            throw DynamoRequestException.BadRequest($"'nvext.agent_hints.strict_priority' must be 0 or more, got {AgentHints.StrictPriority}.", "nvext.agent_hints.strict_priority");
        if (AgentHints?.LatencySensitivity is { } ls && !double.IsFinite(ls))
            throw DynamoRequestException.BadRequest("'nvext.agent_hints.latency_sensitivity' must be a finite number.", "nvext.agent_hints.latency_sensitivity");
        return new RequestMetadata(AgentContext, AgentHints, SessionControl?.ToSessionControl());
    }

    /// <summary><see cref="ToMetadata"/> of an optional extension.</summary>
    public static RequestMetadata Metadata(Nvext? nvext) => nvext?.ToMetadata() ?? RequestMetadata.Empty;
}

/// <summary><c>{"session_id", "action": "bind" | "open" | "close", "timeout": seconds}</c>.</summary>
public sealed record NvextSessionControl(string? SessionId, string? Action, int? Timeout)
{
    public SessionControl ToSessionControl()
    {
        const string at = "nvext.session_control";
        if (string.IsNullOrWhiteSpace(SessionId))
            throw DynamoRequestException.BadRequest($"'{at}.session_id' is required.", $"{at}.session_id");
        var action = Action switch
        {
            "bind" => SessionAction.Bind,
            "open" => SessionAction.Open,
            "close" => SessionAction.Close,
            _ => throw DynamoRequestException.BadRequest($"'{at}.action' must be \"bind\", \"open\" or \"close\"; got {(Action is null ? "nothing" : $"\"{Action}\"")}.", $"{at}.action"),
        };
        if (Timeout is < 1 or > 86_400)
            throw DynamoRequestException.BadRequest($"'{at}.timeout' must be between 1 and 86400 seconds, got {Timeout}.", $"{at}.timeout");
        return new SessionControl(SessionId, action, Timeout ?? SessionControl.DefaultTimeoutSeconds);
    }
}
