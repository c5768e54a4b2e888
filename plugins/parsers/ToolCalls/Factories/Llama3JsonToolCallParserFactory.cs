using Dynamo.Abstractions.Constraints;
using Dynamo.Abstractions.Requests;
using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Factories;

internal sealed class Llama3JsonToolCallParserFactory() : ToolCallParserFactory("llama3_json", "llama3", "llama4_json")
{
    protected override IToolCallFormat Format(IReadOnlyList<ToolDefinition> tools) => new Formats.Llama3JsonFormat();

    // {"name": NAME, "parameters": {…}}; several joined by "; ".
    protected override ToolCallSyntax Syntax { get; } = new(
        [SyntaxPart.Literal("{\"name\": \""), SyntaxPart.Name, SyntaxPart.Literal("\", \"parameters\": "), SyntaxPart.Arguments, SyntaxPart.Literal("}")],
        Separator: [SyntaxPart.Literal("; ")],
        Trigger: "{\"name\": \"");
}
