using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.KvCache;
using Dynamo.Abstractions.Parsing;
using Dynamo.Abstractions.Plugins;
using Dynamo.Abstractions.Preprocessing;
using Dynamo.Abstractions.Routing;
using IRouter = Dynamo.Abstractions.Routing.IRouter;

namespace Dynamo.Runtime.Plugins;

/// <summary>The contract each <see cref="ComponentKind"/> stands for, and how config names it.</summary>
internal static class ComponentKinds
{
    private static readonly Dictionary<Type, ComponentKind> ByContract = new()
    {
        [typeof(IEngine)] = ComponentKind.Engine,
        [typeof(IRouter)] = ComponentKind.Router,
        [typeof(ITokenizer)] = ComponentKind.Tokenizer,
        [typeof(IChatTemplate)] = ComponentKind.ChatTemplate,
        [typeof(IToolCallParser)] = ComponentKind.ToolCallParser,
        [typeof(IReasoningParser)] = ComponentKind.ReasoningParser,
        [typeof(IKvOffloadTier)] = ComponentKind.KvOffloadTier,
        [typeof(Dynamo.Abstractions.Constraints.IGrammarCompiler)] = ComponentKind.Grammar,
        [typeof(Dynamo.Abstractions.Planner.ILoadPredictor)] = ComponentKind.LoadPredictor,
        [typeof(Dynamo.Abstractions.Planner.IPlannerConnector)] = ComponentKind.PlannerConnector,
    };

    public static ComponentKind? Of(Type contract) => ByContract.TryGetValue(contract, out var kind) ? kind : null;

    /// <summary>The kind as appsettings.json spells the key that picks it.</summary>
    public static string ConfigKey(this ComponentKind kind) => kind.ToString();
}
