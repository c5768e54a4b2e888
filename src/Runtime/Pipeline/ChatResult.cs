using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.Requests;

namespace Dynamo.Runtime.Pipeline;

/// <summary>A whole chat completion, postprocessed.</summary>
/// <param name="StopSequence">The stop string that ended the output, when one did.</param>
/// <param name="Logprobs">Every generated token's, when the request asked for log probabilities.</param>
public sealed record ChatResult(string RequestId, string Model, string? Content, string? Reasoning, IReadOnlyList<ToolCall> ToolCalls, FinishReason Finish, EngineUsage Usage,
    string? StopSequence = null, IReadOnlyList<LogprobEntry>? Logprobs = null);
