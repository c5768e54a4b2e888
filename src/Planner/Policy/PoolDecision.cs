namespace Dynamo.Planner.Policy;

/// <summary>One pool's decision and how it was reached.</summary>
/// <param name="Current">The replicas the connector reported before.</param>
/// <param name="Throughput">What the profile asks for at the predicted load (throughput mode).</param>
/// <param name="Load">What the queue and KV thresholds ask for (load mode).</param>
/// <param name="Recommended">The larger of the two within the pool's bounds and its share of the budget.</param>
/// <param name="Target">What the connector is asked for, after the cooldown and the no-flap rule.</param>
/// <param name="Reason">Why the target differs from the recommendation, or what the change is.</param>
internal sealed record PoolDecision(string Pool, int Current, int? Throughput, int? Load, int Recommended, int Target, string Reason)
{
    public int Direction => Math.Sign(Target - Current);
}
