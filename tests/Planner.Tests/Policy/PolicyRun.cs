using Dynamo.Abstractions.Planner;
using Dynamo.Planner.Inputs;
using Dynamo.Planner.Policy;
using Dynamo.Planner.Predictors;

namespace Dynamo.Planner.Tests.Policy;

/// <summary>
/// Drives a <see cref="PlannerPolicy"/> through a constructed history on a virtual clock, one interval a step, with a
/// connector that does at once what it is asked.
/// </summary>
internal sealed class PolicyRun
{
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly PlannerPolicy _policy;
    private readonly PlannerOptions _options;

    public PolicyRun(PlannerOptions options, int replicas = 1, Func<ILoadPredictor>? predictor = null, PerformanceProfile? profile = null)
    {
        _options = options;
        predictor ??= () => new ConstantPredictor();
        _policy = new PlannerPolicy(options, profile ?? TestProfiles.Linear(), new LoadPredictors(predictor(), predictor(), predictor()));
        foreach (var pool in options.Pools)
            Replicas[pool.Name] = replicas;
    }

    public DateTimeOffset Now { get; private set; } = Start;

    public Dictionary<string, int> Replicas { get; } = new(StringComparer.Ordinal);

    public List<PlannerDecision> Decisions { get; } = [];

    public int this[string pool] => Replicas[pool];

    /// <summary>One interval of <paramref name="rate"/> requests a second (1000 tokens in, 200 out by default).</summary>
    public PlannerDecision Step(double rate, double isl = 1000, double osl = 200, IReadOnlyDictionary<string, PoolLoad>? pools = null, double queued = 0) =>
        Step(new FrontendObservation(_options.AdjustmentIntervalSeconds, rate, isl, osl, null, null, null, null, queued), pools);

    public PlannerDecision Step(FrontendObservation? frontend, IReadOnlyDictionary<string, PoolLoad>? pools = null)
    {
        Now += _options.AdjustmentInterval;
        var decision = _policy.Decide(Now, new IntervalObservation(frontend, pools ?? new Dictionary<string, PoolLoad>()), Replicas);
        foreach (var pool in decision.Pools)
            Replicas[pool.Pool] = pool.Target;
        Decisions.Add(decision);
        return decision;
    }

    /// <summary>Each change made to <paramref name="pool"/>: when, and up (+1) or down (-1).</summary>
    public IReadOnlyList<(DateTimeOffset Time, int Direction)> Changes(string pool) =>
        [.. Decisions.Select(d => (d.Time, d[pool].Direction)).Where(c => c.Direction != 0)];

    /// <summary>The times a change went the other way from the one before it.</summary>
    public IReadOnlyList<DateTimeOffset> Reversals(string pool)
    {
        var changes = Changes(pool);
        return [.. changes.Skip(1).Where((c, i) => c.Direction != changes[i].Direction).Select(c => c.Time)];
    }
}
