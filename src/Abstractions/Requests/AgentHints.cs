namespace Dynamo.Abstractions.Requests;

/// <summary>What the harness expects of a request (<c>nvext.agent_hints</c>).</summary>
/// <param name="Priority">Higher is more important; null means the default (0).</param>
/// <param name="Osl">Expected output length in tokens.</param>
/// <param name="SpeculativePrefill">Warm the cache for the next turn once this one finishes.</param>
/// <param name="LatencySensitivity">Larger means more latency-sensitive.</param>
public sealed record AgentHints(
    int? Priority,
    int? Osl,
    bool? SpeculativePrefill,
    double? LatencySensitivity);
