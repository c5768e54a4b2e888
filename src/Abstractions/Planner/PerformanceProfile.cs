namespace Dynamo.Abstractions.Planner;

/// <summary>
/// An engine configuration's measured performance curves (Dynamo's profiler output): prefill time by input
/// length, inter-token latency by batch size and context length, and KV capacity. The planner turns a
/// predicted load into replicas with it.
/// </summary>
/// <param name="Engine">The engine plugin's name.</param>
/// <param name="Model">What it ran (a path or a model name).</param>
/// <param name="Prefill">Time to first token of one request alone, by input length, ascending.</param>
/// <param name="Decode">Inter-token latency by batch size and context length.</param>
public sealed record PerformanceProfile(
    string Engine,
    string Model,
    int KvBlockSize,
    long KvCapacityTokens,
    IReadOnlyList<PrefillPoint> Prefill,
    IReadOnlyList<DecodePoint> Decode);

/// <param name="InputTokens">The prompt's length.</param>
/// <param name="TimeMs">Its prefill (time to first token) alone on the engine.</param>
public sealed record PrefillPoint(int InputTokens, double TimeMs);

/// <param name="Batch">Sequences decoding together.</param>
/// <param name="ContextTokens">Each one's context length.</param>
/// <param name="ItlMs">The time between two tokens of one sequence.</param>
public sealed record DecodePoint(int Batch, int ContextTokens, double ItlMs);
