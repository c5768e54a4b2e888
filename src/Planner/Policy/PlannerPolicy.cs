using System.Globalization;
using Dynamo.Abstractions.Planner;

namespace Dynamo.Planner.Policy;

/// <summary>
/// The planner's decisions, without I/O and on the caller's clock, one call per adjustment interval:
/// <list type="number">
/// <item>the interval's traffic goes to the predictors, which forecast the next one;</item>
/// <item>each pool's count from the throughput mode (the forecast through the profile) and the load mode (queue and KV
/// thresholds), the larger of the two in <c>both</c>; a pool nothing is known of keeps its count;</item>
/// <item>bounds (<c>MinReplicas</c>, <c>MaxReplicas</c>), then the budget (<see cref="BudgetShare"/>);</item>
/// <item>the cooldown and the no-flap rule (<see cref="ScalingGuard"/>);</item>
/// <item>bounds and budget once more, as hard limits: a held pool outside them is brought inside regardless, and pools
/// growing give back what a held pool keeps over its share.</item>
/// </list>
/// </summary>
internal sealed class PlannerPolicy
{
    private readonly PlannerOptions _options;
    private readonly LoadPredictors _predictors;
    private readonly ThroughputModel? _throughput;
    private readonly Dictionary<string, ScalingGuard> _guards;
    private bool _predicting;

    /// <exception cref="ArgumentException">The throughput mode without a profile.</exception>
    public PlannerPolicy(PlannerOptions options, PerformanceProfile? profile, LoadPredictors predictors)
    {
        _options = options;
        _predictors = predictors;
        if (options.Mode != PlannerMode.Load)
            _throughput = new ThroughputModel(profile ?? throw new ArgumentException($"The {options.Mode} mode needs a profile."), options.TtftTargetMs, options.ItlTargetMs);
        _guards = options.Pools.ToDictionary(p => p.Name, _ => new ScalingGuard(options.ScaleDownCooldown), StringComparer.Ordinal);
    }

    /// <param name="current">Each pool's replicas now, as the connector reports them.</param>
    public PlannerDecision Decide(DateTimeOffset now, IntervalObservation observation, IReadOnlyDictionary<string, int> current)
    {
        var forecast = Forecast(observation);
        var notes = new List<string>();
        var estimate = forecast is not null && observation.Frontend is not null ? _throughput?.Estimate(forecast) : null;
        if (estimate is not null)
            notes.AddRange(estimate.Notes);
        else if (_throughput is not null)
            notes.Add("throughput mode holds: no frontend metrics this interval");

        var pools = _options.Pools;
        var counts = pools.Select(p => current.GetValueOrDefault(p.Name)).ToArray();
        var throughput = pools.Select(p => estimate is null ? (int?)null : ThroughputModel.Replicas(p.Name, estimate)).ToArray();
        var load = pools.Select((p, i) => _options.Mode == PlannerMode.Throughput ? null : LoadRule.Replicas(
            counts[i], observation.Pools.GetValueOrDefault(p.Name), p.Name == _options.ServingPool ? observation.Frontend?.QueuedRequests ?? 0 : 0, _options.Load)).ToArray();
        var wants = pools.Select((p, i) => Math.Clamp(Max(throughput[i], load[i]) ?? counts[i], p.MinReplicas, p.MaxReplicas)).ToArray();
        var minimums = pools.Select(p => p.MinReplicas).ToArray();
        var recommended = _options.MaxTotalWorkers is { } budget ? BudgetShare.Share(wants, minimums, budget) : wants;

        var targets = new int[pools.Count];
        var reasons = new string[pools.Count];
        for (var i = 0; i < pools.Count; i++)
        {
            (targets[i], reasons[i]) = _guards[pools[i].Name].Apply(now, counts[i], recommended[i]);
            var bounded = Math.Clamp(targets[i], pools[i].MinReplicas, pools[i].MaxReplicas);
            if (bounded != targets[i])
                (targets[i], reasons[i]) = (bounded, Inv($"forced: {targets[i]} is outside {pools[i].MinReplicas}..{pools[i].MaxReplicas}"));
        }
        if (_options.MaxTotalWorkers is { } limit)
            KeepWithinBudget(targets, counts, minimums, recommended, reasons, limit);

        var decisions = new List<PoolDecision>();
        for (var i = 0; i < pools.Count; i++)
        {
            _guards[pools[i].Name].Changed(now, counts[i], targets[i]);
            decisions.Add(new PoolDecision(pools[i].Name, counts[i], throughput[i], load[i], recommended[i], targets[i], reasons[i]));
        }
        return new PlannerDecision(now, observation.Frontend, forecast, decisions, notes);
    }

    private LoadForecast? Forecast(IntervalObservation observation)
    {
        if (observation.Frontend is { } seen)
        {
            _predictors.RequestRate.Observe(seen.RequestRate);
            // No request finished: the lengths are unknown, not zero.
            if (seen.MeanInputTokens is { } input)
                _predictors.InputTokens.Observe(input);
            if (seen.MeanOutputTokens is { } output)
                _predictors.OutputTokens.Observe(output);
            _predicting = true;
        }
        return _predicting ? new LoadForecast(_predictors.RequestRate.Predict(), _predictors.InputTokens.Predict(), _predictors.OutputTokens.Predict()) : null;
    }

    /// <summary>
    /// Pools held above their share (a scale-down waiting out the cooldown) leave less for the others: the growing
    /// pools give up workers, largest growth first, never below their count now nor their minimum. Only a budget exceeded before any
    /// growth (the pools started over it) shrinks pools regardless of the cooldown.
    /// </summary>
    private static void KeepWithinBudget(int[] targets, int[] counts, int[] minimums, int[] shares, string[] reasons, int budget)
    {
        while (targets.Sum() > budget)
        {
            var growing = Enumerable.Range(0, targets.Length).Where(i => targets[i] > Math.Max(counts[i], minimums[i])).OrderByDescending(i => targets[i] - counts[i]).ThenBy(i => i).FirstOrDefault(-1);
            var over = growing >= 0 ? growing
                : Enumerable.Range(0, targets.Length).Where(i => targets[i] > shares[i]).OrderByDescending(i => targets[i] - shares[i]).ThenBy(i => i).First();
            targets[over]--;
            reasons[over] = Inv($"budget: {budget} workers in all");
        }
    }

    private static int? Max(int? a, int? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
