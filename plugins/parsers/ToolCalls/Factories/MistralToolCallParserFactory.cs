using Dynamo.Abstractions.Constraints;
using Dynamo.Abstractions.Requests;
using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Factories;

internal sealed class MistralToolCallParserFactory() : ToolCallParserFactory("mistral")
{
    protected override IToolCallFormat Format(IReadOnlyList<ToolDefinition> tools) => new Formats.MistralFormat();

    // [TOOL_CALLS] then a JSON array of {"name", "arguments"} objects.
    protected override ToolCallSyntax Syntax { get; } = new(
        [SyntaxPart.Literal("{\"name\": \""), SyntaxPart.Name, SyntaxPart.Literal("\", \"arguments\": "), SyntaxPart.Arguments, SyntaxPart.Literal("}")],
        Begin: [SyntaxPart.Special("[TOOL_CALLS]"), SyntaxPart.Literal("[")],
        Separator: [SyntaxPart.Literal(", ")],
        End: [SyntaxPart.Literal("]")]);
}
