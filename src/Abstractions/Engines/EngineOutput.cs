namespace Dynamo.Abstractions.Engines;

/// <summary>One step of generation: new token ids, and on the last step why it ended.</summary>
/// <param name="Logprobs">One per token of <paramref name="TokenIds"/>, when the request asked for them.</param>
public sealed record EngineOutput(
    IReadOnlyList<int> TokenIds,
    FinishReason? FinishReason = null,
    EngineUsage? Usage = null,
    IReadOnlyList<TokenLogprob>? Logprobs = null);
