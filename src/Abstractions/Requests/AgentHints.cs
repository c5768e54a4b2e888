namespace Dynamo.Abstractions.Requests;

/// <summary>What the harness expects of a request (<c>nvext.agent_hints</c>).</summary>
/// <param name="Priority">Higher is more important; null means the default (0).</param>
/// <param name="Osl">Expected output length in tokens.</param>
/// <param name="SpeculativePrefill">Warm the cache for the next turn once this one finishes.</param>
/// <param name="LatencySensitivity">Larger means more latency-sensitive.</param>
/// <param name="StrictPriority">An absolute tier (0 or more): a higher tier always goes first in every queue; <c>priority</c> orders within a tier.</param>
public sealed record AgentHints(
    int? Priority,
    int? Osl,
    bool? SpeculativePrefill,
    double? LatencySensitivity,
    int? StrictPriority = null);
