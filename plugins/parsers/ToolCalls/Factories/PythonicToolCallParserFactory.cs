using Dynamo.Abstractions.Constraints;
using Dynamo.Abstractions.Requests;
using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Factories;

internal sealed class PythonicToolCallParserFactory() : ToolCallParserFactory("pythonic", "llama4_pythonic")
{
    protected override IToolCallFormat Format(IReadOnlyList<ToolDefinition> tools) => new Formats.PythonicFormat();

    // [name(key=value, …), …] as the whole output: it cannot follow free text (no trigger).
    protected override ToolCallSyntax Syntax { get; } = new(
        [SyntaxPart.Name, SyntaxPart.Literal("("), SyntaxPart.Arguments, SyntaxPart.Literal(")")],
        Begin: [SyntaxPart.Literal("[")],
        Separator: [SyntaxPart.Literal(", ")],
        End: [SyntaxPart.Literal("]")],
        Arguments: ArgumentsEncoding.PythonKeywords,
        Trigger: "");
}
