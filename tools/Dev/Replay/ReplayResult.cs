namespace Dynamo.Dev.Replay;

/// <summary>One router's replay: latency percentiles (ms), output throughput and the prompt share served from cache.</summary>
internal sealed record ReplayResult(
    string Router,
    int Requests,
    int Errors,
    double TtftP50,
    double TtftP90,
    double TtftP99,
    double ItlP50,
    double ItlP90,
    double ItlP99,
    double OutputTokensPerSecond,
    double KvHitRate,
    double WallSeconds);
