using Dynamo.Abstractions.Constraints;
using Dynamo.Abstractions.Requests;
using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Factories;

internal sealed class HermesToolCallParserFactory() : ToolCallParserFactory("hermes", "qwen25")
{
    protected override IToolCallFormat Format(IReadOnlyList<ToolDefinition> tools) => new Formats.HermesFormat();

    // <tool_call>\n{"name": NAME, "arguments": {…}}\n</tool_call>, as the Hermes and Qwen 2.5 templates show the model.
    protected override ToolCallSyntax Syntax { get; } = new(
        [SyntaxPart.Literal("<tool_call>\n{\"name\": \""), SyntaxPart.Name, SyntaxPart.Literal("\", \"arguments\": "), SyntaxPart.Arguments, SyntaxPart.Literal("}\n</tool_call>")],
        Separator: [SyntaxPart.Literal("\n")],
        Trigger: "<tool_call>");
}
