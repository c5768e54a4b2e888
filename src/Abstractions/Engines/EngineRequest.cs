using Dynamo.Abstractions.Requests;

namespace Dynamo.Abstractions.Engines;

/// <summary>A tokenized request, as the engine sees it.</summary>
public sealed record EngineRequest(
    string RequestId,
    IReadOnlyList<int> TokenIds,
    SamplingParams Sampling,
    StopConditions Stop,
    RequestMetadata Metadata)
{
    /// <summary>Scheduling priority: higher runs first (from <c>agent_hints.priority</c>).</summary>
    public int Priority => Metadata.Priority;

    /// <summary>A cap on the request's reasoning tokens, if it asked for one.</summary>
    public ReasoningBudget? Reasoning { get; init; }
}
