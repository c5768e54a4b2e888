namespace Dynamo.Abstractions.Plugins;

/// <summary>The kinds of named component a model is assembled from.</summary>
public enum ComponentKind
{
    Engine,
    Router,
    Tokenizer,
    ChatTemplate,
    ToolCallParser,
    ReasoningParser,
    KvOffloadTier,

    /// <summary>A grammar engine (<see cref="Dynamo.Abstractions.Constraints.IGrammarCompiler"/>), for structured output.</summary>
    Grammar,

    /// <summary>The planner's forecast of a load signal (<see cref="Dynamo.Abstractions.Planner.ILoadPredictor"/>).</summary>
    LoadPredictor,

    /// <summary>What carries out the planner's decisions (<see cref="Dynamo.Abstractions.Planner.IPlannerConnector"/>).</summary>
    PlannerConnector,
}
