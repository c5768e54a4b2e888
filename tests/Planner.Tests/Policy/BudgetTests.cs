using Dynamo.Planner.Policy;

namespace Dynamo.Planner.Tests.Policy;

/// <summary>MaxTotalWorkers: shared in proportion to what each pool wants above its minimum, and never exceeded.</summary>
public sealed class BudgetTests
{
    [Theory]
    [InlineData(new[] { 2, 2 }, new[] { 1, 1 }, 6, new[] { 2, 2 })]   // within the budget: as wanted
    [InlineData(new[] { 8, 8 }, new[] { 1, 1 }, 6, new[] { 3, 3 })]
    [InlineData(new[] { 8, 3 }, new[] { 1, 1 }, 6, new[] { 4, 2 })]   // 4 spare in 7:2 is 3.1 and 0.9: the remainder to the second
    [InlineData(new[] { 5, 1 }, new[] { 1, 1 }, 4, new[] { 3, 1 })]
    [InlineData(new[] { 9, 9 }, new[] { 3, 1 }, 6, new[] { 4, 2 })]   // minimums first: 2 spare split 6:8
    public void The_budget_is_shared_in_proportion_to_demand_above_the_minimums(int[] wants, int[] minimums, int budget, int[] shares) =>
        Assert.Equal(shares, BudgetShare.Share(wants, minimums, budget));

    [Fact]
    public void Disaggregated_pools_share_the_budget_under_a_heavy_load()
    {
        var run = new PolicyRun(TestOptions.Disaggregated(budget: 6));

        var decision = run.Step(100);

        Assert.Equal((3, 3), (decision.Target(PlannerPools.Prefill), decision.Target(PlannerPools.Decode)));
        Assert.All(decision.Pools, p => Assert.True(p.Throughput > 8));
    }

    [Fact]
    public void A_pool_held_by_its_cooldown_keeps_the_others_from_growing_past_the_budget()
    {
        var run = new PolicyRun(TestOptions.Disaggregated(budget: 6));
        // Long outputs: decode needs 0.75 workers per request a second, prefill 0.1125.
        run.Step(6, isl: 1000, osl: 1000);
        Assert.Equal((1, 5), (run[PlannerPools.Prefill], run[PlannerPools.Decode]));

        // Now long prompts and short outputs: prefill wants 8, decode 1, the budget gives 5 and 1, but decode
        // may not shrink for a cooldown, so prefill cannot grow yet.
        for (var i = 0; i < 10; i++)
        {
            var decision = run.Step(6, isl: 4000, osl: 10);
            Assert.True(decision.Pools.Sum(p => p.Target) <= 6, decision.Describe());
        }

        Assert.Equal((5, 1), (run[PlannerPools.Prefill], run[PlannerPools.Decode]));
        var grew = run.Decisions.First(d => d.Target(PlannerPools.Prefill) == 5);
        Assert.Equal(run.Decisions[0].Time + TimeSpan.FromSeconds(120), grew.Time);
        Assert.Equal(1, grew.Target(PlannerPools.Decode));
    }

    [Fact]
    public void Pools_that_start_over_the_budget_are_brought_within_it_at_once()
    {
        var run = new PolicyRun(TestOptions.Disaggregated(budget: 4), replicas: 4);

        var decision = run.Step(6, isl: 1000, osl: 1000);

        Assert.Equal(4, decision.Pools.Sum(p => p.Target));
        Assert.Contains(decision.Pools, p => p.Reason.StartsWith("budget", StringComparison.Ordinal));
    }
}
