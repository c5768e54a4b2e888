using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.KvCache;
using Dynamo.Abstractions.Parsing;
using Dynamo.Abstractions.Plugins;
using Dynamo.Abstractions.Preprocessing;
using Dynamo.Runtime.Configuration;
using Dynamo.Runtime.Plugins;
using Dynamo.Runtime.Workers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using IRouter = Dynamo.Abstractions.Routing.IRouter;

namespace Dynamo.Runtime.Models;

/// <summary>
/// Builds a model from its named components: tokenizer, template, parsers, router and workers (its
/// engines here, or the ones a <see cref="IWorkerSetSource"/> finds elsewhere). What a model started
/// before failing part-way (engines, tiers) is disposed before the failure is reported.
/// </summary>
internal sealed class ModelFactory(IOptions<DynamoOptions> options, ComponentRegistry components, IServiceProvider services, TimeProvider clock,
    ILoggerFactory loggers, IWorkerSetSource? remote = null)
{
    public async Task<ServedModel> CreateAsync(ModelOptions model)
    {
        var started = new List<object>();
        try
        {
            var tokenizer = Track(started, CreateTokenizer(model));
            // Templates see the tokenizer: a model's own chat template comes with it.
            var template = Track(started, components.Create<IChatTemplate>(ComponentKind.ChatTemplate, Context(model, model.ChatTemplate) with { Tokenizer = tokenizer }));
            var toolParser = model.ToolCallParser is { } tp ? Track(started, components.Create<IToolCallParser>(ComponentKind.ToolCallParser, Context(model, tp))) : null;
            var reasoningParser = model.ReasoningParser is { } rp ? Track(started, components.Create<IReasoningParser>(ComponentKind.ReasoningParser, Context(model, rp))) : null;
            var router = Track(started, components.Create<IRouter>(ComponentKind.Router, Context(model, model.Router)));
            var grammar = CreateGrammar(model);
            IWorkerSet workers;
            if (remote is not null)
            {
                workers = remote.For(model.Name);
            }
            else
            {
                var local = new List<LocalWorker>();
                var prefill = model.Disaggregation?.PrefillReplicas ?? 0;
                for (var i = 0; i < model.Replicas; i++)
                {
                    var workerId = $"{model.Name}/{i}";
                    local.Add(new LocalWorker(workerId, CreateEngine(model, workerId, tokenizer, started, grammar), prefill > 0 ? WorkerRole.Decode : WorkerRole.Both));
                }
                for (var i = 0; i < prefill; i++)
                {
                    var workerId = $"{model.Name}/prefill/{i}";
                    local.Add(new LocalWorker(workerId, CreateEngine(model, workerId, tokenizer, started, grammar), WorkerRole.Prefill));
                }
                workers = new LocalWorkerSet(local, loggers.CreateLogger("Dynamo.Workers"));
            }
            var description = $"{remote?.Description ?? $"engine {model.Engine.Name} x{model.Replicas}"}, router {model.Router.Name}, tokenizer {model.Tokenizer.Name}, chat template {model.ChatTemplate.Name}";
            return new ServedModel(model.Name, tokenizer, template, router, toolParser, reasoningParser, workers, model.MigrationLimit,
                loggers.CreateLogger<ServedModel>(), clock, model.BusyThreshold, model.BusyThresholds, model.SessionAffinity)
            {
                Disaggregation = model.Disaggregation ?? DisaggregationOptions.Default,
                Description = $"{description}, tool-call parser {model.ToolCallParser?.Name ?? "none"}, reasoning parser {model.ReasoningParser?.Name ?? "none"}, grammar {grammar?.Name ?? "none"}",
                Grammar = grammar,
                RouterName = model.Router.Name,
            };
        }
        catch
        {
            await DisposeAllAsync(started);
            throw;
        }
    }

    public ITokenizer CreateTokenizer(ModelOptions model) => components.Create<ITokenizer>(ComponentKind.Tokenizer, Context(model, model.Tokenizer));

    /// <summary>
    /// The model's grammar engine, cached: the one it names, else the one installed (<c>pda</c> when several are); null when none is.
    /// </summary>
    public GrammarCache? CreateGrammar(ModelOptions model)
    {
        var selection = model.Grammar;
        if (selection is null)
        {
            var installed = components.NamesOf(ComponentKind.Grammar).ToList();
            if (installed.Count == 0)
                return null;
            selection = ComponentSelection.Named(installed.Contains("pda") ? "pda" : installed.Order(StringComparer.Ordinal).First());
        }
        return new GrammarCache(components.Create<Dynamo.Abstractions.Constraints.IGrammarCompiler>(ComponentKind.Grammar, Context(model, selection)), selection.Name);
    }

    /// <summary>An engine instance with its own chain of offload tiers (none when the model configures none).</summary>
    /// <param name="started">Every component created is added here, so a caller can dispose them when a later step fails.</param>
    /// <param name="grammar">The model's grammar engine, shared with the preprocessor; made here when not given (a worker process).</param>
    public IEngine CreateEngine(ModelOptions model, string workerId, ITokenizer tokenizer, List<object> started, GrammarCache? grammar = null)
    {
        grammar ??= CreateGrammar(model);
        var tiers = new List<IKvOffloadTier>();
        foreach (var tier in model.KvTiers ?? [])
            tiers.Add(Track(started, components.Create<IKvOffloadTier>(ComponentKind.KvOffloadTier, Context(model, tier) with { WorkerId = workerId })));
        var engine = components.Create<IEngine>(ComponentKind.Engine, Context(model, model.Engine) with { Tokenizer = tokenizer, WorkerId = workerId, KvTiers = tiers, Grammar = grammar });
        // The engine owns its tiers from here on.
        started.RemoveAll(c => c is IKvOffloadTier t && tiers.Contains(t));
        return Track(started, engine);
    }

    private ComponentContext Context(ModelOptions model, ComponentSelection selection) =>
        new(model.Name, selection.Name, selection.Options, services) { ModelPath = options.Value.ResolvePath(model.Path), ContentRoot = options.Value.ContentRoot };

    private static T Track<T>(List<object> started, T component) where T : class
    {
        started.Add(component);
        return component;
    }

    /// <summary>Disposes what was started, newest first.</summary>
    public static async Task DisposeAllAsync(List<object> started)
    {
        await Components.DisposeAsync(Enumerable.Reverse(started).ToList());
        started.Clear();
    }
}
