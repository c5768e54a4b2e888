using Dynamo.Planner.Policy;
using Dynamo.Planner.Predictors;

namespace Dynamo.Planner.Tests.Policy;

/// <summary>
/// The policy over constructed histories on a virtual clock: 30 s intervals, a 120 s scale-down cooldown, and the
/// linear profile, on which aggregated workers carry requests of 1000 tokens in and 200 out as <see cref="Needed"/> works out.
/// </summary>
public sealed class ScalingPolicyTests
{
    private static readonly TimeSpan Cooldown = TimeSpan.FromSeconds(120);

    /// <summary>
    /// Aggregated workers for a rate, by hand on the linear profile: the fewest at which each, prefilling its share
    /// (0.1 ms a token) a fraction u of its time, decodes its share of 200-token outputs in the time left at the
    /// largest batch whose step (10 + 0.5·b ms, up to 64) fits 30 ms × (1 − u).
    /// </summary>
    private static int Needed(double rate)
    {
        for (var workers = 1; ; workers++)
        {
            var share = rate / workers;
            var prefilling = share * 0.1;
            var batch = Math.Min(64, (int)Math.Floor((30 * (1 - prefilling) - 10) / 0.5 + 1e-9));
            if (prefilling < 1 && batch > 0 && (1 - prefilling) * batch / (10 + 0.5 * batch) * 1000 >= share * 200 - 1e-6)
                return workers;
        }
    }

    [Fact]
    public void A_ramp_is_followed_up_at_once_and_left_only_after_the_cooldown()
    {
        var run = new PolicyRun(TestOptions.Aggregated());
        double[] ramp = [4, 6, 8, 10, 12, 14, 16];

        foreach (var rate in ramp)
            Assert.Equal(Math.Max(1, Needed(rate)), run.Step(rate).Target(PlannerPools.Aggregated));
        Assert.Equal(5, run[PlannerPools.Aggregated]);
        Assert.True(run.Changes(PlannerPools.Aggregated).All(c => c.Direction > 0));

        // Back to a quarter: nothing for a cooldown after the last change, then straight to what the load needs.
        var peak = run.Now;
        while (run.Now + TimeSpan.FromSeconds(30) < peak + Cooldown)
            Assert.Equal(5, run.Step(4).Target(PlannerPools.Aggregated));
        Assert.Equal(2, run.Step(4).Target(PlannerPools.Aggregated));
        Assert.Equal(peak + Cooldown, run.Now);
    }

    [Theory]
    [InlineData("constant")]
    [InlineData("moving-average")]
    [InlineData("exponential")]
    public void Noise_changes_direction_at_most_once_per_cooldown(string predictor)
    {
        var random = new Random(7);
        var run = new PolicyRun(TestOptions.Aggregated(), predictor: Predictor(predictor));

        for (var i = 0; i < 400; i++)
            run.Step(10 * (1 + 0.3 * (2 * random.NextDouble() - 1)), 1000 * (1 + 0.1 * (2 * random.NextDouble() - 1)));

        // The noise did push both ways; the guard held the pool against it.
        Assert.Contains(run.Decisions, d => d[PlannerPools.Aggregated].Recommended > d[PlannerPools.Aggregated].Current);
        Assert.Contains(run.Decisions, d => d[PlannerPools.Aggregated].Recommended < d[PlannerPools.Aggregated].Target);
        var reversals = run.Reversals(PlannerPools.Aggregated);
        foreach (var (earlier, later) in reversals.Zip(reversals.Skip(1)))
            Assert.True(later - earlier >= Cooldown, $"direction changed at {earlier:T} and again at {later:T}");
        // 7..13 requests a second of 900..1100 tokens need 2..5 workers; the stabilisation window keeps the pool near the top of that.
        Assert.All(run.Decisions.Skip(1), d => Assert.InRange(d.Target(PlannerPools.Aggregated), 2, 5));
        Assert.True(run.Changes(PlannerPools.Aggregated).Count <= 400 * 30 / Cooldown.TotalSeconds, $"{run.Changes(PlannerPools.Aggregated).Count} changes");
    }

    [Theory]
    [InlineData("constant")]
    [InlineData("moving-average")]
    [InlineData("exponential")]
    public void A_constant_load_once_settled_changes_nothing(string predictor)
    {
        var run = new PolicyRun(TestOptions.Aggregated(), predictor: Predictor(predictor));

        run.Step(10);
        Assert.Equal(3, run[PlannerPools.Aggregated]);
        for (var i = 0; i < 50; i++)
            Assert.False(run.Step(10).Changes);
    }

    [Fact]
    public void After_a_ramp_a_constant_load_settles_for_good()
    {
        var run = new PolicyRun(TestOptions.Aggregated(), predictor: Predictor("moving-average"));
        foreach (var rate in new double[] { 2, 4, 8, 12, 16, 12 })
            run.Step(rate);

        for (var i = 0; i < 20; i++)
            run.Step(12);
        var settled = run.Decisions.Count;
        for (var i = 0; i < 40; i++)
            run.Step(12);

        Assert.Equal(Needed(12), run[PlannerPools.Aggregated]);
        Assert.DoesNotContain(run.Decisions.Skip(settled), d => d.Changes);
    }

    [Fact]
    public void A_scale_down_waits_out_the_cooldown_of_the_last_change()
    {
        var run = new PolicyRun(TestOptions.Aggregated());
        Assert.Equal(5, run.Step(16).Target(PlannerPools.Aggregated));
        var changed = run.Now;

        // Every interval asks for 2; the answer is no until the cooldown is over.
        while (run.Now + TimeSpan.FromSeconds(30) < changed + Cooldown)
        {
            var held = run.Step(4)[PlannerPools.Aggregated];
            Assert.Equal((5, 2), (held.Target, held.Recommended));
            Assert.Contains("cooldown", held.Reason);
        }
        Assert.Equal(2, run.Step(4).Target(PlannerPools.Aggregated));
    }

    [Fact]
    public void A_scale_down_goes_no_lower_than_the_cooldown_window_asked_for()
    {
        var run = new PolicyRun(TestOptions.Aggregated());
        run.Step(16);
        // One interval of 12 (4 workers) amid 4s (2 workers): after the cooldown, down to 4 only.
        run.Step(4);
        run.Step(4);
        run.Step(12);
        Assert.Equal(4, run.Step(4).Target(PlannerPools.Aggregated));
        Assert.Equal(run.Decisions[0].Time + Cooldown, run.Now);

        // Then to 2 a cooldown later.
        while (run[PlannerPools.Aggregated] == 4)
            run.Step(4);
        Assert.Equal(2, run[PlannerPools.Aggregated]);
        Assert.Equal(run.Decisions[4].Time + Cooldown, run.Now);
    }

    [Fact]
    public void A_scale_up_that_would_reverse_a_recent_scale_down_waits_for_the_cooldown()
    {
        var run = new PolicyRun(TestOptions.Aggregated());
        run.Step(16);
        while (run[PlannerPools.Aggregated] == 5)
            run.Step(4);
        var down = run.Now;

        while (run.Now + TimeSpan.FromSeconds(30) < down + Cooldown)
        {
            var held = run.Step(16)[PlannerPools.Aggregated];
            Assert.Equal((2, 5), (held.Target, held.Recommended));
            Assert.Contains("reversing", held.Reason);
        }
        Assert.Equal(5, run.Step(16).Target(PlannerPools.Aggregated));
        Assert.Equal(down + Cooldown, run.Now);
    }

    [Fact]
    public void Scale_ups_follow_each_other_at_once()
    {
        var run = new PolicyRun(TestOptions.Aggregated());
        Assert.Equal(2, run.Step(4).Target(PlannerPools.Aggregated));
        Assert.Equal(3, run.Step(8).Target(PlannerPools.Aggregated));
        Assert.Equal(5, run.Step(16).Target(PlannerPools.Aggregated));
    }

    [Fact]
    public void The_bounds_hold_whatever_the_load()
    {
        var run = new PolicyRun(TestOptions.Aggregated(min: 2, max: 4));

        Assert.Equal(2, run.Step(0).Target(PlannerPools.Aggregated));
        Assert.Equal(4, run.Step(100).Target(PlannerPools.Aggregated));
        for (var i = 0; i < 10; i++)
            run.Step(i % 2 == 0 ? 0 : 100);
        for (var i = 0; i < 10; i++)
            run.Step(0);

        Assert.All(run.Decisions, d => Assert.InRange(d.Target(PlannerPools.Aggregated), 2, 4));
        Assert.Equal(2, run[PlannerPools.Aggregated]);
    }

    [Fact]
    public void A_pool_found_outside_its_bounds_is_brought_inside_at_once()
    {
        var run = new PolicyRun(TestOptions.Aggregated(min: 2, max: 4), replicas: 7);

        var decision = run.Step(0)[PlannerPools.Aggregated];

        Assert.Equal(4, decision.Target);
        Assert.Contains("forced", decision.Reason);
    }

    [Fact]
    public void Without_the_frontend_metrics_the_throughput_mode_holds()
    {
        var run = new PolicyRun(TestOptions.Aggregated(), replicas: 3);

        var decision = run.Step(frontend: null);

        Assert.False(decision.Changes);
        Assert.Null(decision[PlannerPools.Aggregated].Throughput);
        Assert.Contains(decision.Notes, n => n.Contains("no frontend metrics"));
    }

    [Fact]
    public void An_interval_without_finished_requests_keeps_the_lengths_it_knew()
    {
        var run = new PolicyRun(TestOptions.Aggregated());
        run.Step(10, isl: 4000, osl: 100);

        var decision = run.Step(new Dynamo.Planner.Inputs.FrontendObservation(30, 10, null, null, null, null, null, null, 0));

        Assert.Equal(new LoadForecast(10, 4000, 100), decision.Forecast);
    }

    private static Func<Abstractions.Planner.ILoadPredictor> Predictor(string name) => name switch
    {
        "constant" => () => new ConstantPredictor(),
        "moving-average" => () => new MovingAveragePredictor(5),
        _ => () => new ExponentialPredictor(0.5, 0),
    };
}

internal static class DecisionExtensions
{
    public static int Target(this PlannerDecision decision, string pool) => decision[pool].Target;
}
