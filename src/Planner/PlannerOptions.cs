using Dynamo.Runtime.Configuration;

namespace Dynamo.Planner;

/// <summary><c>Dynamo:Planner</c>: what the planner sizes, to which targets, from which inputs, and with which plugins.</summary>
public sealed class PlannerOptions
{
    public const string Section = "Dynamo:Planner";
    public const string DefaultPredictor = "moving-average";
    public const string DefaultConnector = "virtual";

    public PlannerMode Mode { get; set; } = PlannerMode.Throughput;

    /// <summary>How often the planner observes, predicts and decides.</summary>
    public double AdjustmentIntervalSeconds { get; set; } = 30;

    /// <summary>No scale-down within this long of a pool's last change, nor a second change of direction.</summary>
    public double ScaleDownCooldownSeconds { get; set; } = 120;

    public double TtftTargetMs { get; set; } = 500;

    public double ItlTargetMs { get; set; } = 50;

    /// <summary>The engine's JSON profile (<c>dynamo-dev profile</c>); needed by the throughput mode. Relative to the configuration file.</summary>
    public string? ProfilePath { get; set; }

    /// <summary>The frontend's <c>/metrics</c> URL, scraped once per interval.</summary>
    public string? MetricsUrl { get; set; }

    /// <summary>A Prometheus server's base URL; its query API then replaces the scrape (and sums every frontend).</summary>
    public string? PrometheusUrl { get; set; }

    /// <summary>The served model whose load is planned; null for all of the frontend's traffic and every registered worker.</summary>
    public string? Model { get; set; }

    /// <summary>The load predictor plugin, with its options (one instance per signal: rate, input length, output length).</summary>
    public ComponentSelection Predictor { get; set; } = ComponentSelection.Named(DefaultPredictor);

    /// <summary>The connector plugin that carries out decisions, with its options.</summary>
    public ComponentSelection Connector { get; set; } = ComponentSelection.Named(DefaultConnector);

    /// <summary>The budget: workers across every pool, at most. Null for none beyond each pool's maximum.</summary>
    public int? MaxTotalWorkers { get; set; }

    /// <summary>The pools sized: <c>aggregated</c> alone, or <c>prefill</c> and <c>decode</c>.</summary>
    public IReadOnlyList<PoolOptions> Pools { get; set; } = [];

    public LoadThresholds Load { get; set; } = new();

    public TimeSpan AdjustmentInterval => TimeSpan.FromSeconds(AdjustmentIntervalSeconds);

    public TimeSpan ScaleDownCooldown => TimeSpan.FromSeconds(ScaleDownCooldownSeconds);

    public bool Disaggregated => Pools.Any(p => p.Name != PlannerPools.Aggregated);

    /// <summary>The pool the frontend routes whole requests to, whose queue is the frontend's.</summary>
    public string ServingPool => Disaggregated ? PlannerPools.Decode : PlannerPools.Aggregated;
}
