namespace Dynamo.Abstractions.Routing;

/// <summary>The chosen worker, and how many leading prompt blocks the router expects it has cached.</summary>
public sealed record RoutingDecision(string WorkerId, int ExpectedCachedBlocks = 0);
