using Dynamo.Abstractions.Constraints;

namespace Dynamo.Abstractions.Engines;

/// <summary>A grammar the output must match; the engine compiles it with its model's grammar engine (<c>ComponentContext.Grammar</c>).</summary>
/// <param name="CloseOnBudget">
/// As the token budget nears its end, only tokens that still let the grammar finish in time are allowed,
/// so the output is complete (valid JSON) rather than cut.
/// </param>
public sealed record EngineConstraint(GrammarSpec Grammar, bool CloseOnBudget = false);
