namespace Dynamo.Abstractions.Requests;

/// <summary>
/// When an engine must stop. Stop strings are matched by the host on detokenized text (it cancels
/// the engine when one matches); engines see token-level conditions only.
/// </summary>
/// <param name="MaxTokens">Most tokens to generate.</param>
/// <param name="StopTokenIds">Ids that end generation (EOS and friends); not emitted as text.</param>
/// <param name="IgnoreEos">Keep going past EOS (benchmarks).</param>
public sealed record StopConditions(
    int MaxTokens,
    IReadOnlyList<int> StopTokenIds,
    bool IgnoreEos = false);
