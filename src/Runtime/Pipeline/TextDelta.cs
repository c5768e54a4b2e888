using Dynamo.Abstractions.Engines;

namespace Dynamo.Runtime.Pipeline;

/// <summary>New text from the engine, detokenized and stop-checked; the last one says why it ended.</summary>
/// <param name="StopSequence">The stop string that ended the output, when one did.</param>
/// <param name="Logprobs">The tokens generated since the last delta, when the request asked for log probabilities.</param>
public sealed record TextDelta(string Text, FinishReason? Finish, EngineUsage? Usage, string? StopSequence = null, IReadOnlyList<LogprobEntry>? Logprobs = null);
