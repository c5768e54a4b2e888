using Dynamo.Planner.Inputs;

namespace Dynamo.Planner.Tests.Policy;

/// <summary>The load mode's thresholds (defaults: 2 waiting requests and 80 % KV per worker up, 0.25 and 30 % down).</summary>
public sealed class LoadModeTests
{
    private static PoolLoad Load(int workers, double queue = 0, double kv = 0.5, double? maxQueue = null, double? maxKv = null) =>
        new(workers, queue, maxQueue ?? queue, kv, maxKv ?? kv, 0, Samples: 30);

    private static Dictionary<string, PoolLoad> Aggregated(PoolLoad load) => new() { [PlannerPools.Aggregated] = load };

    [Fact]
    public void A_queue_over_the_mark_grows_the_pool_in_proportion()
    {
        var run = new PolicyRun(TestOptions.Aggregated(PlannerMode.Load), replicas: 2);

        // 5 waiting per worker against 2: two and a half times the workers.
        var decision = run.Step(frontend: null, Aggregated(Load(2, queue: 5)));

        Assert.Equal(5, decision.Target(PlannerPools.Aggregated));
        Assert.Null(decision[PlannerPools.Aggregated].Throughput);
    }

    [Fact]
    public void KV_utilisation_over_the_mark_grows_the_pool_by_at_least_one()
    {
        var run = new PolicyRun(TestOptions.Aggregated(PlannerMode.Load), replicas: 4);

        Assert.Equal(5, run.Step(frontend: null, Aggregated(Load(4, kv: 0.82))).Target(PlannerPools.Aggregated));
    }

    [Fact]
    public void A_pool_under_both_marks_for_the_whole_interval_shrinks_by_one_after_the_cooldown()
    {
        var run = new PolicyRun(TestOptions.Aggregated(PlannerMode.Load), replicas: 4);
        var idle = Aggregated(Load(4, queue: 0, kv: 0.1));

        var targets = Enumerable.Range(0, 6).Select(_ => run.Step(frontend: null, idle).Target(PlannerPools.Aggregated)).ToList();

        // Nothing within the cooldown of the planner's start, then one worker, then nothing for another cooldown.
        Assert.Equal([4, 4, 4, 4, 3, 3], targets);
    }

    [Fact]
    public void A_spike_inside_the_interval_keeps_the_pool()
    {
        var run = new PolicyRun(TestOptions.Aggregated(PlannerMode.Load), replicas: 4);

        for (var i = 0; i < 10; i++)
            Assert.Equal(4, run.Step(frontend: null, Aggregated(Load(4, kv: 0.1, maxKv: 0.5))).Target(PlannerPools.Aggregated));
    }

    [Fact]
    public void The_frontend_queue_counts_against_the_pool_it_routes_to()
    {
        var run = new PolicyRun(TestOptions.Disaggregated(PlannerMode.Load), replicas: 2);
        var pools = new Dictionary<string, PoolLoad> { [PlannerPools.Prefill] = Load(2), [PlannerPools.Decode] = Load(2) };
        var queued = new FrontendObservation(30, 1, 1000, 200, null, null, null, null, QueuedRequests: 10);

        var decision = run.Step(queued, pools);

        // 10 queued over 2 decode workers: 5 each against 2.
        Assert.Equal(5, decision.Target(PlannerPools.Decode));
        Assert.Equal(2, decision.Target(PlannerPools.Prefill));
    }

    [Fact]
    public void A_pool_no_worker_reports_on_holds_unless_requests_wait()
    {
        var run = new PolicyRun(TestOptions.Aggregated(PlannerMode.Load, min: 0), replicas: 0);

        Assert.Equal(0, run.Step(frontend: null).Target(PlannerPools.Aggregated));
        Assert.Equal(1, run.Step(new FrontendObservation(30, 0, null, null, null, null, null, null, QueuedRequests: 3)).Target(PlannerPools.Aggregated));
    }

    [Fact]
    public void Both_modes_take_the_larger_count()
    {
        var run = new PolicyRun(TestOptions.Aggregated(PlannerMode.Both), replicas: 4);

        // The profile says 2 workers carry 4 requests a second; the KV says 4 are too few.
        var decision = run.Step(4, pools: Aggregated(Load(4, kv: 0.9)))[PlannerPools.Aggregated];

        Assert.Equal((2, 5, 5), (decision.Throughput!.Value, decision.Load!.Value, decision.Target));
    }
}
