namespace Dynamo.Dev.Commands;

/// <summary><c>bench engine --json</c>: prefill speed of the long prompt, and decode tokens/s by batch size.</summary>
internal sealed record BenchEngineResult(string Model, int Cores, int PromptTokens, double PrefillTokensPerSecond, Dictionary<string, double> DecodeTokensPerSecond);
