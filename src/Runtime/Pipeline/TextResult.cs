using Dynamo.Abstractions.Engines;

namespace Dynamo.Runtime.Pipeline;

/// <summary>A whole text completion.</summary>
/// <param name="Logprobs">Every generated token's, when the request asked for log probabilities.</param>
public sealed record TextResult(string RequestId, string Model, string Text, FinishReason Finish, EngineUsage Usage, IReadOnlyList<LogprobEntry>? Logprobs = null);
