using Dynamo.Abstractions.Parsing;
using Dynamo.Abstractions.Plugins;

namespace Dynamo.Parsers.Reasoning.Factories;

/// <summary>A family's named reasoning parser; each family is one small subclass.</summary>
internal abstract class ReasoningParserFactory(string name, params string[] aliases) : IComponentFactory<IReasoningParser>
{
    public string Name => name;

    public IReadOnlyList<string> Aliases => aliases;

    public abstract IReasoningParser Create(ComponentContext context);
}
