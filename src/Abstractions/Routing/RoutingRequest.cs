using Dynamo.Abstractions.Requests;

namespace Dynamo.Abstractions.Routing;

/// <summary>What a router knows of a request: its prompt tokens and its hints.</summary>
public sealed record RoutingRequest(string RequestId, IReadOnlyList<int> TokenIds, RequestMetadata Metadata);
