using System.Diagnostics.Metrics;
using Dynamo.Planner.Policy;

namespace Dynamo.Planner;

/// <summary>
/// The planner's instruments on the meter <see cref="MeterName"/>: the load it predicts, and per pool the replicas
/// it wants and those the connector reports. Read at collection time from the last decision. No units: the
/// Prometheus exporter would add them to the names.
/// </summary>
internal sealed class PlannerMetrics
{
    public const string MeterName = "Dynamo.Planner";

    private readonly Counter<long> _scalings;
    private readonly Lock _lock = new();
    private PlannerDecision? _decision;
    private IReadOnlyDictionary<string, int> _actual = new Dictionary<string, int>();

    public PlannerMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge("dynamo_planner_predicted_request_rate", () => Forecast(f => f.RequestRate), description: "Requests per second predicted for the next interval.");
        meter.CreateObservableGauge("dynamo_planner_predicted_input_tokens", () => Forecast(f => f.InputTokens), description: "Mean input length predicted for the next interval.");
        meter.CreateObservableGauge("dynamo_planner_predicted_output_tokens", () => Forecast(f => f.OutputTokens), description: "Mean output length predicted for the next interval.");
        meter.CreateObservableGauge("dynamo_planner_observed_request_rate", () => Observed(), description: "Requests per second the frontend finished over the last interval.");
        meter.CreateObservableGauge("dynamo_planner_desired_replicas", () => PerPool(d => d.Target), description: "Workers the planner asked for, per pool.");
        meter.CreateObservableGauge("dynamo_planner_actual_replicas", () => Actual(), description: "Workers the connector reports, per pool.");
        _scalings = meter.CreateCounter<long>("dynamo_planner_scaling_decisions_total", description: "Changes the planner asked for, per pool and direction (up/down).");
    }

    public void Record(PlannerDecision decision, IReadOnlyDictionary<string, int> actual)
    {
        lock (_lock)
            (_decision, _actual) = (decision, actual);
        foreach (var pool in decision.Pools.Where(p => p.Direction != 0))
            _scalings.Add(1, new("pool", pool.Pool), new("direction", pool.Direction > 0 ? "up" : "down"));
    }

    private IEnumerable<Measurement<double>> Forecast(Func<LoadForecast, double> value)
    {
        lock (_lock)
            return _decision?.Forecast is { } forecast ? [new(value(forecast))] : [];
    }

    private IEnumerable<Measurement<double>> Observed()
    {
        lock (_lock)
            return _decision?.Observed is { } observed ? [new(observed.RequestRate)] : [];
    }

    private IEnumerable<Measurement<int>> PerPool(Func<PoolDecision, int> value)
    {
        lock (_lock)
            return _decision is null ? [] : [.. _decision.Pools.Select(p => new Measurement<int>(value(p), new KeyValuePair<string, object?>("pool", p.Pool)))];
    }

    private IEnumerable<Measurement<int>> Actual()
    {
        lock (_lock)
            return [.. _actual.Select(p => new Measurement<int>(p.Value, new KeyValuePair<string, object?>("pool", p.Key)))];
    }
}
