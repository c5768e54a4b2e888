using Dynamo.Runtime.Configuration;
using Dynamo.Runtime.Errors;
using Microsoft.Extensions.Options;

namespace Dynamo.Runtime.Pipeline;

/// <summary>
/// An effort level as thinking: <c>none</c> and <c>minimal</c> turn it off; <c>low</c>, <c>medium</c>
/// and <c>high</c> turn it on with that level's reasoning budget (<c>Dynamo:ReasoningEffort</c>);
/// <c>xhigh</c>, <c>max</c> and <c>ultra</c> (Codex offers it for newer models) turn it on without one.
/// </summary>
public sealed class ReasoningEfforts(IOptions<DynamoOptions> options)
{
    /// <param name="field">How the request names the effort, for errors.</param>
    /// <exception cref="DynamoRequestException">Not an effort level.</exception>
    public ChatRequest Apply(ChatRequest request, string? effort, string field) => effort switch
    {
        null => request,
        "none" or "minimal" => request with { Thinking = false },
        "xhigh" or "max" or "ultra" => request with { Thinking = true },
        _ when options.Value.ReasoningEffort.TryGetValue(effort, out var budget) =>
            request with { Thinking = true, MaxThinkingTokens = request.MaxThinkingTokens ?? budget },
        _ => throw DynamoRequestException.BadRequest($"'{field}' must be none, minimal, low, medium, high, xhigh, max or ultra; got '{effort}'.", field),
    };
}
