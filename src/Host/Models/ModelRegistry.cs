using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.Parsing;
using Dynamo.Abstractions.Plugins;
using Dynamo.Abstractions.Preprocessing;
using Dynamo.Abstractions.Routing;
using IRouter = Dynamo.Abstractions.Routing.IRouter;
using Dynamo.Host.Configuration;
using Dynamo.Host.Plugins;

namespace Dynamo.Host.Models;

/// <summary>Builds every configured model from its named components at startup; looks models up by name.</summary>
internal sealed class ModelRegistry : IAsyncDisposable
{
    private readonly Dictionary<string, ServedModel> _models = new(StringComparer.Ordinal);

    public IReadOnlyCollection<ServedModel> Models => _models.Values;

    public ModelRegistry(DynamoOptions options, ComponentRegistry components, IServiceProvider services, ILogger<ModelRegistry> logger)
    {
        if (options.Models.Count == 0)
            throw new DynamoConfigurationException("No models are configured: add at least one entry to 'Dynamo:Models'.");
        foreach (var model in options.Models)
        {
            try
            {
                _models[model.Name] = Build(model, components, services);
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

    private static ServedModel Build(ModelOptions model, ComponentRegistry components, IServiceProvider services)
    {
        ComponentContext Context(ComponentSelection selection) => new(model.Name, selection.Name, selection.Options, services) { ModelPath = model.Path };
        T Create<T>(ComponentKind kind, ComponentSelection selection) where T : class => components.Create<T>(kind, Context(selection));

        var tokenizer = Create<ITokenizer>(ComponentKind.Tokenizer, model.Tokenizer);
        // Templates see the tokenizer: a model's own chat template comes with it.
        var template = components.Create<IChatTemplate>(ComponentKind.ChatTemplate, Context(model.ChatTemplate) with { Tokenizer = tokenizer });
        var toolParser = model.ToolCallParser is { } tp ? Create<IToolCallParser>(ComponentKind.ToolCallParser, tp) : null;
        var reasoningParser = model.ReasoningParser is { } rp ? Create<IReasoningParser>(ComponentKind.ReasoningParser, rp) : null;
        var router = Create<IRouter>(ComponentKind.Router, model.Router);
        var workers = Enumerable.Range(0, model.Replicas).Select(i =>
        {
            var workerId = $"{model.Name}/{i}";
            var engine = components.Create<IEngine>(ComponentKind.Engine,
                Context(model.Engine) with { Tokenizer = tokenizer, WorkerId = workerId });
            engine.KvEventPublished += e => router.OnKvEvent(workerId, e);
            return new LocalWorker(workerId, engine);
        }).ToList();
        return new ServedModel(model.Name, tokenizer, template, router, toolParser, reasoningParser, workers);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var model in _models.Values)
            await model.DisposeAsync();
    }
}
