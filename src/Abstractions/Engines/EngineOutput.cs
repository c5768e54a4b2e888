namespace Dynamo.Abstractions.Engines;

/// <summary>One step of generation: new token ids, and on the last step why it ended.</summary>
public sealed record EngineOutput(
    IReadOnlyList<int> TokenIds,
    FinishReason? FinishReason = null,
    EngineUsage? Usage = null);
