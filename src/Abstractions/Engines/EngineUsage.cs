namespace Dynamo.Abstractions.Engines;

/// <summary>Token accounting for one request.</summary>
/// <param name="PromptTokens">Tokens in the prompt.</param>
/// <param name="CompletionTokens">Tokens generated.</param>
/// <param name="CachedTokens">Prompt tokens served from the prefix cache (not prefilled).</param>
public sealed record EngineUsage(int PromptTokens, int CompletionTokens, int CachedTokens);
