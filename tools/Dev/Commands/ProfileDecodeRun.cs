namespace Dynamo.Dev.Commands;

/// <summary>One decode measurement of the profiler.</summary>
/// <param name="ItlMs">The inter-token latency; null when the window where the whole batch decoded was too short to measure.</param>
/// <param name="TokensAhead">How many tokens the earliest sequence wrote before the last one's first: the room a retry must add.</param>
internal sealed record ProfileDecodeRun(double? ItlMs, int TokensAhead);
