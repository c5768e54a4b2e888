using Dynamo.Runtime.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Dynamo.Planner;

/// <summary>
/// Reads <see cref="PlannerOptions"/>: the predictor and connector are a name or an object with a <c>Name</c>,
/// and pools are keyed by name, which the plain binder cannot express. A relative profile path is the
/// configuration file's folder's.
/// </summary>
/// <exception cref="DynamoConfigurationException">A value cannot be read.</exception>
internal sealed class PlannerOptionsSetup(IConfiguration configuration, IHostEnvironment? environment = null) : IConfigureOptions<PlannerOptions>
{
    public void Configure(PlannerOptions options) => DynamoConfigurationException.Reading(() => Read(options));

    private void Read(PlannerOptions options)
    {
        var section = configuration.GetSection(PlannerOptions.Section);
        options.Mode = section["Mode"] is { } mode ? ParseMode(mode) : options.Mode;
        options.AdjustmentIntervalSeconds = section.GetValue(nameof(options.AdjustmentIntervalSeconds), options.AdjustmentIntervalSeconds);
        options.ScaleDownCooldownSeconds = section.GetValue(nameof(options.ScaleDownCooldownSeconds), options.ScaleDownCooldownSeconds);
        options.TtftTargetMs = section.GetValue(nameof(options.TtftTargetMs), options.TtftTargetMs);
        options.ItlTargetMs = section.GetValue(nameof(options.ItlTargetMs), options.ItlTargetMs);
        options.MetricsUrl = NullIfBlank(section["MetricsUrl"]);
        options.PrometheusUrl = NullIfBlank(section["PrometheusUrl"]);
        options.Model = NullIfBlank(section["Model"]);
        options.MaxTotalWorkers = section.GetValue<int?>(nameof(options.MaxTotalWorkers));
        options.Predictor = ComponentSelection.From(section.GetSection("Predictor")) ?? options.Predictor;
        options.Connector = ComponentSelection.From(section.GetSection("Connector")) ?? options.Connector;
        section.GetSection("Load").Bind(options.Load);
        if (NullIfBlank(section["ProfilePath"]) is { } profile)
            options.ProfilePath = environment is null ? Path.GetFullPath(profile) : Path.GetFullPath(profile, environment.ContentRootPath);

        var pools = section.GetSection("Pools");
        options.Pools = pools.Exists()
            ? [.. pools.GetChildren().Select(p => Pool(p, options.MaxTotalWorkers))]
            : [Pool(pools.GetSection(PlannerPools.Aggregated), options.MaxTotalWorkers)];
    }

    // A pool without a maximum may grow to the whole budget; the validator asks for one of the two.
    private static PoolOptions Pool(IConfigurationSection section, int? budget) => new(
        section.Key,
        section.GetValue(nameof(PoolOptions.MinReplicas), PoolOptions.DefaultMinReplicas),
        section.GetValue<int?>(nameof(PoolOptions.MaxReplicas)) ?? budget ?? 0,
        section);

    private static PlannerMode ParseMode(string mode) => mode.Trim().ToLowerInvariant() switch
    {
        "throughput" => PlannerMode.Throughput,
        "load" => PlannerMode.Load,
        "both" => PlannerMode.Both,
        _ => throw new DynamoConfigurationException($"'{PlannerOptions.Section}:Mode' must be \"throughput\", \"load\" or \"both\", got '{mode}'."),
    };

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
