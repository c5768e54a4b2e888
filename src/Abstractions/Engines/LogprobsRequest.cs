namespace Dynamo.Abstractions.Engines;

/// <summary>Log probabilities to report with each token.</summary>
/// <param name="Top">How many of the most likely tokens to list beside the chosen one (0–20).</param>
/// <param name="Processed">
/// From the distribution sampled from (after penalties, logit bias, masks and temperature); by default
/// the model's own, before any of them (vLLM's default).
/// </param>
public sealed record LogprobsRequest(int Top, bool Processed = false);
