using System.Reflection;
using System.Text.RegularExpressions;
using Dynamo.Planner.Policy;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting.Internal;

namespace Dynamo.Planner.Tests;

/// <summary>
/// The planner deploy/ runs starts: its section of the shared appsettings.json passes the checks made at start, and the
/// profile beside it (the ConfigMap mounts both in /config) plans the pools — aggregated in the base, prefill and decode
/// with the disaggregated overlay's environment.
/// </summary>
public sealed partial class DeployConfigurationTests
{
    private static readonly string Base = Path.Combine(typeof(DeployConfigurationTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "DynamoRepoRoot").Value!, "deploy");

    private static PlannerOptions Read(IDictionary<string, string?> environment)
    {
        var folder = Path.Combine(Base, "base");
        var configuration = new ConfigurationBuilder().AddJsonFile(Path.Combine(folder, "appsettings.json")).AddInMemoryCollection(environment).Build();
        var options = new PlannerOptions();
        new PlannerOptionsSetup(configuration, new HostingEnvironment { ContentRootPath = folder, ContentRootFileProvider = new NullFileProvider() }).Configure(options);
        var failures = new PlannerOptionsValidator().Validate(null, options).Failures ?? [];
        Assert.Empty(failures);
        return options;
    }

    [Fact]
    public void The_base_planner_sizes_the_aggregated_pool_from_the_shipped_mocker_profile()
    {
        var options = Read(new Dictionary<string, string?>());

        Assert.Equal((PlannerMode.Throughput, "agent", 8), (options.Mode, options.Model, options.MaxTotalWorkers));
        var pool = Assert.Single(options.Pools);
        Assert.Equal((PlannerPools.Aggregated, 1, 8), (pool.Name, pool.MinReplicas, pool.MaxReplicas));
        var profile = ProfileFile.Read(options.ProfilePath!);
        Assert.Equal(("mocker", "agent"), (profile.Engine, profile.Model));
        // More load needs more workers, and the budget's worth is a real load for this mocker.
        var model = new ThroughputModel(profile, options.TtftTargetMs, options.ItlTargetMs);
        int Workers(double rate) => ThroughputModel.Replicas(PlannerPools.Aggregated, model.Estimate(new LoadForecast(rate, 2000, 200)));
        Assert.True(Workers(1) >= 1 && Workers(1) < Workers(20) && Workers(20) < Workers(100), $"{Workers(1)}, {Workers(20)}, {Workers(100)}");
    }

    [Fact]
    public void The_disaggregated_overlay_s_environment_turns_the_pools_into_prefill_and_decode()
    {
        var overlay = File.ReadAllText(Path.Combine(Base, "disaggregated", "kustomization.yaml"));
        var environment = EnvironmentVariable().Matches(overlay).ToDictionary(m => m.Groups[1].Value.Replace("__", ":"), m => (string?)m.Groups[2].Value);
        Assert.NotEmpty(environment);

        var options = Read(environment);

        Assert.Equal([PlannerPools.Decode, PlannerPools.Prefill], options.Pools.Select(p => p.Name).Order());
        Assert.All(options.Pools, p => Assert.Equal((1, 8), (p.MinReplicas, p.MaxReplicas)));
    }

    [GeneratedRegex("""name: (Dynamo__Planner__\S+), value: "([^"]*)" """)]
    private static partial Regex EnvironmentVariable();
}
