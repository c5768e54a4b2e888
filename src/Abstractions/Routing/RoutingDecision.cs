namespace Dynamo.Abstractions.Routing;

/// <summary>The chosen worker, and how many leading prompt blocks the router expects it has cached.</summary>
/// <param name="Candidates">What the router weighed, for the request trace; null when it does not score workers.</param>
public sealed record RoutingDecision(string WorkerId, int ExpectedCachedBlocks = 0, IReadOnlyList<RouterCandidate>? Candidates = null);
