using Dynamo.Abstractions.Constraints;
using Dynamo.Abstractions.Parsing;
using Dynamo.Abstractions.Plugins;
using Dynamo.Abstractions.Requests;
using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Factories;

/// <summary>A family's named parser; each family is one small subclass naming its format.</summary>
internal abstract class ToolCallParserFactory(string name, params string[] aliases) : IComponentFactory<IToolCallParser>
{
    public string Name => name;

    public IReadOnlyList<string> Aliases => aliases;

    protected abstract IToolCallFormat Format(IReadOnlyList<ToolDefinition> tools);

    /// <summary>The family's call syntax for grammars (see <see cref="IToolCallParser.Syntax"/>); null where it has none.</summary>
    protected virtual ToolCallSyntax? Syntax => null;

    public IToolCallParser Create(ComponentContext context) => new StreamToolCallParser((tools, random) => new ToolCallStream(Format(tools), random), Syntax);
}
