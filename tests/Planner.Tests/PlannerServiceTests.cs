using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.Planner;
using Dynamo.Abstractions.Plugins;
using Dynamo.Planner.Inputs;
using Dynamo.Planner.Predictors;
using Dynamo.Runtime.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Dynamo.Planner.Tests;

/// <summary>The planner end to end: options, plugins by name, the loop on a fake clock, the virtual connector and the meter.</summary>
public sealed class PlannerServiceTests
{
    [Fact]
    public async Task The_planner_sizes_the_pool_through_the_connector_and_exports_what_it_did()
    {
        await using var planner = PlannerHost.Create();
        planner.Frontend.Rate = 10;
        await planner.StartAsync();

        // 10 requests a second of 1000 in and 200 out: 2.625 workers' worth.
        var decision = await planner.NextDecisionAsync();
        Assert.Equal(10, decision.Observed!.RequestRate, 6);
        Assert.Equal((1, 3), (decision[PlannerPools.Aggregated].Current, decision[PlannerPools.Aggregated].Target));
        Assert.Equal(3, await planner.Connector.GetReplicasAsync(PlannerPools.Aggregated, CancellationToken.None));
        Assert.Equal(PolicyStart(10), decision.Time);

        var metrics = planner.Metrics();
        Assert.Equal(10, metrics[("dynamo_planner_predicted_request_rate", null)], 6);
        Assert.Equal(1000, metrics[("dynamo_planner_predicted_input_tokens", null)], 6);
        Assert.Equal(3, metrics[("dynamo_planner_desired_replicas", PlannerPools.Aggregated)]);
        Assert.Equal(3, metrics[("dynamo_planner_actual_replicas", PlannerPools.Aggregated)]);

        // A fifth of the load: the pool shrinks once the 30 s cooldown is over, to one worker.
        planner.Frontend.Rate = 2;
        var held = await planner.NextDecisionAsync();
        Assert.Equal(3, held[PlannerPools.Aggregated].Target);
        Assert.Contains("cooldown", held[PlannerPools.Aggregated].Reason);
        await planner.NextDecisionAsync();
        var down = await planner.NextDecisionAsync();
        Assert.Equal(1, down[PlannerPools.Aggregated].Target);
        Assert.Equal(PolicyStart(40), down.Time);

        Assert.Equal([(PlannerPools.Aggregated, 1, 3), (PlannerPools.Aggregated, 3, 1)], planner.Connector.Changes.Select(c => (c.Pool, c.Before, c.After)));
        Assert.Equal(1, planner.Metrics()[("dynamo_planner_actual_replicas", PlannerPools.Aggregated)]);
    }

    [Fact]
    public async Task A_frontend_that_cannot_be_read_costs_intervals_not_the_planner()
    {
        await using var planner = PlannerHost.Create();
        planner.Frontend.Rate = 10;
        planner.Frontend.Failing = true;
        await planner.StartAsync();

        var blind = await planner.NextDecisionAsync();
        Assert.Null(blind.Observed);
        Assert.False(blind.Changes);

        // The first read after the outage is a new baseline; the next one measures the interval.
        planner.Frontend.Failing = false;
        Assert.Null((await planner.NextDecisionAsync()).Observed);
        var seeing = await planner.NextDecisionAsync();
        Assert.Equal(10, seeing.Observed!.RequestRate, 6);
        Assert.Equal(3, seeing[PlannerPools.Aggregated].Target);
    }

    [Fact]
    public async Task The_load_mode_scales_on_the_workers_queues()
    {
        await using var planner = PlannerHost.Create(new()
        {
            ["Dynamo:Planner:Mode"] = "load",
            ["Dynamo:Planner:Model"] = "m",
            ["Dynamo:Planner:ProfilePath"] = null,
            ["Dynamo:Planner:MetricsUrl"] = null,
        });
        // Two workers, six waiting each, against a mark of two: three times the workers.
        planner.Workers.Workers = [Worker("a", waiting: 6), Worker("b", waiting: 6), Worker("c", waiting: 50, model: "other")];
        await planner.StartAsync();

        var decision = await planner.NextDecisionAsync();

        Assert.Equal((6, 6), (decision[PlannerPools.Aggregated].Load!.Value, decision[PlannerPools.Aggregated].Target));
        Assert.Equal(6, await planner.Connector.GetReplicasAsync(PlannerPools.Aggregated, CancellationToken.None));
    }

    [Fact]
    public async Task Predictors_and_connectors_are_chosen_by_name_with_their_options()
    {
        await using var planner = PlannerHost.Create(new()
        {
            ["Dynamo:Planner:Predictor"] = null,
            ["Dynamo:Planner:Predictor:Name"] = "exponential",
            ["Dynamo:Planner:Predictor:Alpha"] = "0.5",
            ["Dynamo:Planner:Connector:Name"] = "virtual",
            ["Dynamo:Planner:Connector:Replicas:aggregated"] = "4",
        });
        var components = planner.Host.Services.GetRequiredService<PlannerComponents>();

        Assert.IsType<ExponentialPredictor>(components.Predictors.RequestRate);
        Assert.NotSame(components.Predictors.RequestRate, components.Predictors.InputTokens);
        Assert.Equal(4, await components.Connector.GetReplicasAsync(PlannerPools.Aggregated, CancellationToken.None));
    }

    [Fact]
    public async Task A_connector_sees_each_pool_s_section_beside_its_own_options()
    {
        await using var planner = PlannerHost.Create(new()
        {
            ["Dynamo:Planner:Model"] = "agent",
            ["Dynamo:Planner:Connector:Name"] = RecordingConnectorFactory.ComponentName,
            ["Dynamo:Planner:Connector:Pools:aggregated:Role"] = "both",
            ["Dynamo:Planner:Connector:Namespace"] = "dynamo",
            ["Dynamo:Planner:Pools:aggregated:Deployment"] = "dynamo-worker",
            ["Dynamo:Planner:Pools:aggregated:Role"] = "ignored: the connector's own section wins",
        });

        var connector = (RecordingConnector)planner.Host.Services.GetRequiredService<PlannerComponents>().Connector;

        Assert.Equal("dynamo", connector.Options["Namespace"]);
        Assert.Equal("dynamo-worker", connector.Options["Pools:aggregated:Deployment"]);
        Assert.Equal("8", connector.Options["Pools:aggregated:MaxReplicas"]);
        Assert.Equal("both", connector.Options["Pools:aggregated:Role"]);
        Assert.Equal("agent", connector.Options["Model"]);
    }

    [Fact]
    public async Task An_unknown_plugin_name_stops_the_start_saying_which_there_are()
    {
        await using var planner = PlannerHost.Create(new() { ["Dynamo:Planner:Predictor"] = "arima" });

        var error = await Assert.ThrowsAsync<DynamoConfigurationException>(planner.StartAsync);

        Assert.Contains("LoadPredictor 'arima'", error.Message);
        Assert.Contains("'constant', 'exponential', 'moving-average'", error.Message);
    }

    private static DateTimeOffset PolicyStart(int seconds) => Policy.PolicyRun.Start + TimeSpan.FromSeconds(seconds);

    private static WorkerLoadSample Worker(string id, int waiting, string model = "m") =>
        new(id, model, PlannerPools.Aggregated, 100, new EngineLoad(1, waiting, 10, 0));
}

/// <summary>A connector that keeps the options it was created with (found in this assembly as a plugin's would be).</summary>
internal sealed class RecordingConnectorFactory : IComponentFactory<IPlannerConnector>
{
    public const string ComponentName = "test-recording";

    public string Name => ComponentName;

    public IPlannerConnector Create(ComponentContext context) => new RecordingConnector(context.Options);
}

internal sealed class RecordingConnector(IConfiguration options) : IPlannerConnector
{
    public IConfiguration Options { get; } = options;

    public ValueTask<int> GetReplicasAsync(string pool, CancellationToken cancellationToken) => ValueTask.FromResult(1);

    public ValueTask SetReplicasAsync(string pool, int replicas, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
