using Dynamo.Abstractions.Engines;

namespace Dynamo.Abstractions.Routing;

/// <summary>A live worker as the router sees it at decision time.</summary>
public sealed record WorkerSnapshot(string WorkerId, EngineDescriptor Descriptor, EngineLoad Load);
