using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.KvCache;
using Dynamo.Abstractions.Parsing;
using Dynamo.Abstractions.Plugins;
using Dynamo.Abstractions.Preprocessing;
using Dynamo.Abstractions.Routing;
using IRouter = Dynamo.Abstractions.Routing.IRouter;
using Dynamo.Host.Configuration;
using Dynamo.Host.Distributed;
using Dynamo.Host.Plugins;
using Dynamo.Host.Workers;

namespace Dynamo.Host.Models;

/// <summary>
/// Builds every configured model from its named components at startup; looks models up by name.
/// With a <see cref="WorkerDiscovery"/> (the distributed frontend) a model's workers are the ones
/// registered in NATS; without, its engines run here.
/// </summary>
internal sealed class ModelRegistry : IAsyncDisposable
{
    private readonly Dictionary<string, ServedModel> _models = new(StringComparer.Ordinal);

    public IReadOnlyCollection<ServedModel> Models => _models.Values;

    public ModelRegistry(DynamoOptions options, ComponentRegistry components, IServiceProvider services, ILogger<ModelRegistry> logger, WorkerDiscovery? discovery = null)
    {
        if (options.Models.Count == 0)
            throw new DynamoConfigurationException("No models are configured: add at least one entry to 'Dynamo:Models'.");
        foreach (var model in options.Models)
        {
            try
            {
                _models[model.Name] = Build(model, components, services, logger, discovery);
            }
            catch (DynamoConfigurationException ex) when (model.Optional)
            {
                // An optional model (say, one whose file only some machines have) is skipped, not fatal.
                logger.LogWarning("Optional model {Model} is not served: {Reason}", model.Name, ex.Message);
            }
        }
        if (_models.Count == 0)
            throw new DynamoConfigurationException("None of the configured models could be started.");
    }

    public ServedModel? Find(string name) => _models.GetValueOrDefault(name);

    private static ServedModel Build(ModelOptions model, ComponentRegistry components, IServiceProvider services, ILogger logger, WorkerDiscovery? discovery)
    {
        T Create<T>(ComponentKind kind, ComponentSelection selection) where T : class => components.Create<T>(kind, Context(model, selection, services));

        var tokenizer = CreateTokenizer(model, components, services);
        // Templates see the tokenizer: a model's own chat template comes with it.
        var template = components.Create<IChatTemplate>(ComponentKind.ChatTemplate, Context(model, model.ChatTemplate, services) with { Tokenizer = tokenizer });
        var toolParser = model.ToolCallParser is { } tp ? Create<IToolCallParser>(ComponentKind.ToolCallParser, tp) : null;
        var reasoningParser = model.ReasoningParser is { } rp ? Create<IReasoningParser>(ComponentKind.ReasoningParser, rp) : null;
        var router = Create<IRouter>(ComponentKind.Router, model.Router);
        IWorkerSet workers = (IWorkerSet?)discovery?.For(model.Name) ?? new LocalWorkerSet(Enumerable.Range(0, model.Replicas)
            .Select(i => new LocalWorker($"{model.Name}/{i}", CreateEngine(model, components, services, $"{model.Name}/{i}", tokenizer)))
            .ToList());
        return new ServedModel(model.Name, tokenizer, template, router, toolParser, reasoningParser, workers, model.MigrationLimit, logger, model.BusyThreshold);
    }

    private static ComponentContext Context(ModelOptions model, ComponentSelection selection, IServiceProvider services) =>
        new(model.Name, selection.Name, selection.Options, services) { ModelPath = model.Path };

    public static ITokenizer CreateTokenizer(ModelOptions model, ComponentRegistry components, IServiceProvider services) =>
        components.Create<ITokenizer>(ComponentKind.Tokenizer, Context(model, model.Tokenizer, services));

    /// <summary>An engine instance with its own chain of offload tiers (none when the model configures none).</summary>
    public static IEngine CreateEngine(ModelOptions model, ComponentRegistry components, IServiceProvider services, string workerId, ITokenizer tokenizer)
    {
        var tiers = (model.KvTiers ?? []).Select(t => components.Create<IKvOffloadTier>(ComponentKind.KvOffloadTier, Context(model, t, services) with { WorkerId = workerId })).ToList();
        return components.Create<IEngine>(ComponentKind.Engine, Context(model, model.Engine, services) with { Tokenizer = tokenizer, WorkerId = workerId, KvTiers = tiers });
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var model in _models.Values)
            await model.DisposeAsync();
    }
}
