using Dynamo.Abstractions.Constraints;
using Dynamo.Abstractions.Requests;
using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Factories;

internal sealed class Qwen3CoderToolCallParserFactory() : ToolCallParserFactory("qwen3_coder", "qwen3_xml", "nemotron_nano")
{
    protected override IToolCallFormat Format(IReadOnlyList<ToolDefinition> tools) => new Formats.XmlCallsFormat(Formats.XmlCallSyntax.Qwen3Coder, tools);

    // Qwen3-Coder's template: <tool_call>\n<function=NAME>\n<parameter=K>\nV\n</parameter>\n…</function>\n</tool_call>.
    protected override ToolCallSyntax Syntax { get; } = new(
        [SyntaxPart.Literal("<tool_call>\n<function="), SyntaxPart.Name, SyntaxPart.Literal(">\n"), SyntaxPart.Arguments, SyntaxPart.Literal("</function>\n</tool_call>")],
        Separator: [SyntaxPart.Literal("\n")],
        Arguments: ArgumentsEncoding.XmlParameters,
        Trigger: "<tool_call>");
}
