namespace Dynamo.Abstractions.Requests;

/// <summary>
/// When an engine must stop. Stop strings are matched by the host on detokenized text (it cancels
/// the engine when one matches); engines see token-level conditions only.
/// </summary>
/// <param name="MaxTokens">Most tokens to generate.</param>
/// <param name="StopTokenIds">Ids that end generation (EOS and friends); not emitted as text.</param>
/// <param name="IgnoreEos">Keep going past EOS (benchmarks).</param>
/// <param name="MinTokens">Stop tokens are not sampled before this many tokens (vLLM's <c>min_tokens</c>).</param>
public sealed record StopConditions(
    int MaxTokens,
    IReadOnlyList<int> StopTokenIds,
    bool IgnoreEos = false,
    int MinTokens = 0);
