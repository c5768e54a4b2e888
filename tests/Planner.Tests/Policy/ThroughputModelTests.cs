using Dynamo.Planner.Policy;

namespace Dynamo.Planner.Tests.Policy;

/// <summary>The throughput mode's replica math against a profile worked out by hand (<see cref="TestProfiles.Linear"/>).</summary>
public sealed class ThroughputModelTests
{
    private static readonly ThroughputModel Model = new(TestProfiles.Linear(), TestProfiles.TtftTargetMs, TestProfiles.ItlTargetMs);

    [Fact]
    public void A_worker_prefills_within_the_TTFT_target_and_decodes_the_largest_batch_within_the_ITL_target()
    {
        var estimate = Model.Estimate(new LoadForecast(10, 1000, 200));

        // Prefill 100 ms of a 500 ms budget: utilisation 2·400/900, so 8.89 prompts a second.
        Assert.Equal(80.0 / 9, estimate.PrefillPerWorker, 6);
        // 10 + 0.5·40 = 30 ms: 40 sequences, 1333 tokens a second.
        Assert.Equal(40, estimate.Batch);
        Assert.Equal(4000.0 / 3, estimate.DecodePerWorker, 6);
        Assert.Equal(1.125, estimate.PrefillWorkers, 6);
        Assert.Equal(1.5, estimate.DecodeWorkers, 6);
        Assert.Empty(estimate.Notes);
    }

    [Theory]
    [InlineData(PlannerPools.Aggregated, 3)]  // each prefills 1/3 of its time and decodes 2/3 × 20 / 20 ms = 667 tokens/s: just enough
    [InlineData(PlannerPools.Prefill, 2)]
    [InlineData(PlannerPools.Decode, 2)]
    public void Each_pool_gets_the_workers_its_share_of_the_load_needs(string pool, int replicas) =>
        Assert.Equal(replicas, ThroughputModel.Replicas(pool, Model.Estimate(new LoadForecast(10, 1000, 200))));

    [Fact]
    public void An_aggregated_worker_s_prefills_stall_its_decoding_so_it_decodes_less_within_the_ITL_target()
    {
        var estimate = Model.Estimate(new LoadForecast(20, 1000, 50));

        // The fractions: 20 × 0.1125 prefill + 20 × 50 / 1333 decode = 2.25 + 0.75. But on 3 workers each prefills
        // 6.7 prompts a second, 67% of its time, and a decode step would have to take 30 × 0.33 = 10 ms: none does.
        // On 4, it prefills 50% of its time, a 15 ms step holds 10 sequences, and (1 − 0.5) × 10 / 15 ms = 333 tokens/s ≥ 250.
        Assert.Equal(2.25, estimate.PrefillWorkers, 9);
        Assert.Equal(0.75, estimate.DecodeWorkers, 9);
        Assert.Equal(4, ThroughputModel.Replicas(PlannerPools.Aggregated, estimate));
        Assert.Equal(3, ThroughputModel.Replicas(PlannerPools.Prefill, estimate));
        Assert.Equal(1, ThroughputModel.Replicas(PlannerPools.Decode, estimate));
    }

    [Fact]
    public void A_load_that_fills_whole_workers_exactly_needs_no_extra_one()
    {
        // 1000 tokens a second of decode is 0.75 workers; 40 requests a second of 100 tokens is 3 exactly.
        Assert.Equal(3, ThroughputModel.Replicas(PlannerPools.Decode, Model.Estimate(new LoadForecast(40, 1000, 100))));
        Assert.Equal(0, ThroughputModel.Replicas(PlannerPools.Aggregated, Model.Estimate(new LoadForecast(0, 1000, 200))));
    }

    [Fact]
    public void The_KV_capacity_caps_the_batch()
    {
        // 11 000 tokens hold 10 sequences of 1000 + 200/2: ITL 15 ms, 667 tokens a second.
        var estimate = new ThroughputModel(TestProfiles.Linear(kvCapacityTokens: 11_000), TestProfiles.TtftTargetMs, TestProfiles.ItlTargetMs)
            .Estimate(new LoadForecast(10, 1000, 200));

        Assert.Equal(10, estimate.Batch);
        Assert.Equal(3, ThroughputModel.Replicas(PlannerPools.Decode, estimate));
    }

    [Fact]
    public void Longer_prompts_leave_less_of_the_TTFT_budget_for_queueing()
    {
        // 4000 tokens: 400 ms of 500, utilisation 2·100/600, so 0.83 prompts a second.
        var estimate = Model.Estimate(new LoadForecast(5, 4000, 200));

        Assert.Equal(1000.0 / 1200, estimate.PrefillPerWorker, 6);
        Assert.Equal(6, ThroughputModel.Replicas(PlannerPools.Prefill, estimate));
    }

    [Fact]
    public void An_unreachable_target_is_said_and_planned_on_at_full_use()
    {
        var estimate = new ThroughputModel(TestProfiles.Linear(), ttftTargetMs: 50, itlTargetMs: 5).Estimate(new LoadForecast(1, 1000, 200));

        Assert.Contains(estimate.Notes, n => n.Contains("TTFT target 50 ms cannot be met") && n.Contains("100 ms"));
        Assert.Contains(estimate.Notes, n => n.Contains("ITL target 5 ms cannot be met"));
        Assert.Equal(10, estimate.PrefillPerWorker, 6);
        Assert.Equal(1, estimate.Batch);
    }
}
