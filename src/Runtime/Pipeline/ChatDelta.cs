using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.Parsing;

namespace Dynamo.Runtime.Pipeline;

/// <summary>
/// One step of a streamed chat, postprocessed: content, reasoning and tool-call pieces. The last
/// one carries why it ended (<see cref="FinishReason.ToolCalls"/> when it called tools) and the usage.
/// </summary>
/// <param name="StopSequence">On the last delta: the stop string that ended the output, when one did.</param>
/// <param name="Logprobs">The tokens behind this delta (and any held back before it), when the request asked for log probabilities.</param>
public sealed record ChatDelta(string? Content, string? Reasoning, IReadOnlyList<ToolCallChunk>? ToolCalls, FinishReason? Finish = null, EngineUsage? Usage = null,
    string? StopSequence = null, IReadOnlyList<LogprobEntry>? Logprobs = null)
{
    public bool IsEmpty => string.IsNullOrEmpty(Content) && string.IsNullOrEmpty(Reasoning) && ToolCalls is null or { Count: 0 };
}
