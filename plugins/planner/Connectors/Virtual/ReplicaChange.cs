namespace Dynamo.Planner.Connectors.Virtual;

/// <summary>One change the virtual connector recorded.</summary>
internal sealed record ReplicaChange(DateTimeOffset Time, string Pool, int Before, int After);
