using Dynamo.Planner.Inputs;

namespace Dynamo.Planner.Policy;

/// <summary>What one interval showed: the frontend's traffic (null when its metrics could not be read) and each pool's load.</summary>
internal sealed record IntervalObservation(FrontendObservation? Frontend, IReadOnlyDictionary<string, PoolLoad> Pools)
{
    public static IntervalObservation Traffic(FrontendObservation? frontend) => new(frontend, new Dictionary<string, PoolLoad>());
}
