using Microsoft.Extensions.Configuration;

namespace Dynamo.Planner.Tests;

internal static class TestOptions
{
    private static readonly IConfiguration Empty = new ConfigurationBuilder().Build();

    public static PoolOptions Pool(string name, int min = 1, int max = 8) => new(name, min, max, Empty.GetSection(name));

    public static PlannerOptions Aggregated(PlannerMode mode = PlannerMode.Throughput, int min = 1, int max = 8, int? budget = null) => new()
    {
        Mode = mode,
        AdjustmentIntervalSeconds = 30,
        ScaleDownCooldownSeconds = 120,
        TtftTargetMs = TestProfiles.TtftTargetMs,
        ItlTargetMs = TestProfiles.ItlTargetMs,
        MaxTotalWorkers = budget,
        Pools = [Pool(PlannerPools.Aggregated, min, max)],
    };

    public static PlannerOptions Disaggregated(PlannerMode mode = PlannerMode.Throughput, int? budget = null, int prefillMin = 1, int decodeMin = 1) => new()
    {
        Mode = mode,
        AdjustmentIntervalSeconds = 30,
        ScaleDownCooldownSeconds = 120,
        TtftTargetMs = TestProfiles.TtftTargetMs,
        ItlTargetMs = TestProfiles.ItlTargetMs,
        MaxTotalWorkers = budget,
        Pools = [Pool(PlannerPools.Prefill, prefillMin), Pool(PlannerPools.Decode, decodeMin)],
    };
}
