using Dynamo.Abstractions.Planner;
using Dynamo.Abstractions.Plugins;
using Dynamo.Planner.Policy;
using Dynamo.Runtime.Configuration;
using Dynamo.Runtime.Plugins;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Dynamo.Planner;

/// <summary>
/// The planner's plugins, chosen by name: a predictor per load signal and the connector. The connector's options
/// are its own section plus, under <c>Pools:&lt;pool&gt;</c>, each pool's section (its own keys win), and the
/// planner's <c>Model</c> when it names none, so per-pool settings can sit with the pools' bounds.
/// </summary>
/// <exception cref="DynamoConfigurationException">No loaded plugin provides a name, or it refused its options.</exception>
internal sealed class PlannerComponents : IAsyncDisposable
{
    public PlannerComponents(ComponentRegistry registry, IOptions<PlannerOptions> options, IServiceProvider services, IHostEnvironment? environment = null)
    {
        var planner = options.Value;
        var model = planner.Model ?? "planner";
        ComponentContext Context(ComponentSelection selection, IConfiguration configuration) =>
            new(model, selection.Name, configuration, services) { ContentRoot = environment?.ContentRootPath };
        ILoadPredictor Predictor() => registry.Create<ILoadPredictor>(ComponentKind.LoadPredictor, Context(planner.Predictor, planner.Predictor.Options));
        Predictors = new LoadPredictors(Predictor(), Predictor(), Predictor());
        Connector = registry.Create<IPlannerConnector>(ComponentKind.PlannerConnector, Context(planner.Connector, ConnectorOptions(planner)));
    }

    public LoadPredictors Predictors { get; }

    public IPlannerConnector Connector { get; }

    private static IConfiguration ConnectorOptions(PlannerOptions planner)
    {
        var shared = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (planner.Model is { } model)
            shared["Model"] = model;
        foreach (var pool in planner.Pools)
            foreach (var (key, value) in pool.Options.AsEnumerable(makePathsRelative: true).Where(kv => kv.Value is not null))
                shared[$"Pools:{pool.Name}:{key}"] = value;
        return new ConfigurationBuilder().AddInMemoryCollection(shared).AddConfiguration(planner.Connector.Options).Build();
    }

    public ValueTask DisposeAsync() => Connector.DisposeAsync();
}
