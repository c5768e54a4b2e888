using Dynamo.Runtime.Configuration;
using Microsoft.Extensions.Configuration;

namespace Dynamo.Planner.Tests;

/// <summary>Dynamo:Planner read and checked as at start: what is wrong is said with the key to change.</summary>
public sealed class PlannerOptionsTests
{
    private static (PlannerOptions Options, IReadOnlyList<string> Failures) Read(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.ToDictionary(kv => $"Dynamo:Planner:{kv.Key}", kv => kv.Value)).Build();
        var options = new PlannerOptions();
        new PlannerOptionsSetup(configuration).Configure(options);
        var result = new PlannerOptionsValidator().Validate(null, options);
        return (options, result.Failures?.ToList() ?? []);
    }

    [Fact]
    public void The_defaults_are_Dynamo_s()
    {
        var (options, failures) = Read(new() { ["Mode"] = "load", ["MaxTotalWorkers"] = "8" });

        Assert.Empty(failures);
        Assert.Equal((30.0, 120.0, 500.0, 50.0), (options.AdjustmentIntervalSeconds, options.ScaleDownCooldownSeconds, options.TtftTargetMs, options.ItlTargetMs));
        Assert.Equal(("moving-average", "virtual"), (options.Predictor.Name, options.Connector.Name));
        var pool = Assert.Single(options.Pools);
        Assert.Equal((PlannerPools.Aggregated, 1, 8), (pool.Name, pool.MinReplicas, pool.MaxReplicas));
    }

    [Fact]
    public void Components_are_a_name_or_an_object_with_one()
    {
        var (options, failures) = Read(new()
        {
            ["Mode"] = "Load",
            ["Predictor:Name"] = "exponential",
            ["Predictor:Alpha"] = "0.3",
            ["Connector"] = "local",
            ["Pools:prefill:MaxReplicas"] = "2",
            ["Pools:decode:MinReplicas"] = "2",
            ["Pools:decode:MaxReplicas"] = "6",
            ["Pools:decode:Deployment"] = "dynamo-decode",
        });

        Assert.Empty(failures);
        Assert.Equal(PlannerMode.Load, options.Mode);
        Assert.Equal(("exponential", "0.3"), (options.Predictor.Name, options.Predictor.Options["Alpha"]));
        Assert.Equal("local", options.Connector.Name);
        Assert.True(options.Disaggregated);
        Assert.Equal(PlannerPools.Decode, options.ServingPool);
        Assert.Equal("dynamo-decode", options.Pools.Single(p => p.Name == PlannerPools.Decode).Options["Deployment"]);
    }

    [Theory]
    [InlineData("Mode", "fast", "'Dynamo:Planner:Mode' must be \"throughput\", \"load\" or \"both\", got 'fast'")]
    [InlineData("AdjustmentIntervalSeconds", "soon", "Failed to convert configuration value 'soon'")]
    public void A_value_that_cannot_be_read_is_a_configuration_error(string key, string value, string message)
    {
        var error = Assert.Throws<DynamoConfigurationException>(() => Read(new() { [key] = value }));

        Assert.Contains(message, error.Message);
    }

    public static TheoryData<Dictionary<string, string?>, string> Invalid => new()
    {
        { new() { ["Mode"] = "throughput", ["MaxTotalWorkers"] = "4", ["MetricsUrl"] = "http://f/metrics" }, "needs 'Dynamo:Planner:ProfilePath'" },
        { new() { ["Mode"] = "both", ["MaxTotalWorkers"] = "4", ["ProfilePath"] = "/nonexistent/profile.json", ["MetricsUrl"] = "http://f/metrics" }, "'/nonexistent/profile.json' does not exist" },
        { new() { ["Mode"] = "throughput", ["MaxTotalWorkers"] = "4", ["ProfilePath"] = "/nonexistent/p.json" }, "set 'Dynamo:Planner:MetricsUrl'" },
        { new() { ["Mode"] = "load", ["MaxTotalWorkers"] = "4", ["MetricsUrl"] = "frontend:8000" }, "'Dynamo:Planner:MetricsUrl' must be an http(s) URL" },
        { new() { ["Mode"] = "load", ["AdjustmentIntervalSeconds"] = "0", ["MaxTotalWorkers"] = "4" }, "'Dynamo:Planner:AdjustmentIntervalSeconds' must be a positive number" },
        { new() { ["Mode"] = "load" }, "'Dynamo:Planner:Pools:aggregated:MaxReplicas' must be at least 1" },
        { new() { ["Mode"] = "load", ["Pools:aggregated:MaxReplicas"] = "2", ["Pools:decode:MaxReplicas"] = "2" }, "must be 'aggregated' alone or both 'prefill' and 'decode'" },
        { new() { ["Mode"] = "load", ["Pools:decode:MaxReplicas"] = "2" }, "must be 'aggregated' alone or both 'prefill' and 'decode'" },
        { new() { ["Mode"] = "load", ["Pools:gpu:MaxReplicas"] = "2" }, "'Dynamo:Planner:Pools:gpu' is not a pool" },
        { new() { ["Mode"] = "load", ["Pools:aggregated:MinReplicas"] = "3", ["Pools:aggregated:MaxReplicas"] = "2" }, "at least MinReplicas (3), got 2" },
        { new() { ["Mode"] = "load", ["MaxTotalWorkers"] = "3", ["Pools:prefill:MinReplicas"] = "2", ["Pools:decode:MinReplicas"] = "2" }, "'Dynamo:Planner:MaxTotalWorkers' must be at least 1 and at least the pools' MinReplicas together (4), got 3" },
        { new() { ["Mode"] = "load", ["MaxTotalWorkers"] = "4", ["Load:KvUtilizationLow"] = "0.9" }, "0 <= low < high <= 1, got 0.9 and 0.8" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Bad_options_are_refused_naming_the_key(Dictionary<string, string?> settings, string message)
    {
        var (_, failures) = Read(settings);

        Assert.Contains(failures, f => f.Contains(message, StringComparison.Ordinal));
    }
}
