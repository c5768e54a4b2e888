using Dynamo.Abstractions.Requests;
using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Factories;

internal sealed class Qwen3CoderToolCallParserFactory() : ToolCallParserFactory("qwen3_coder", "qwen3_xml")
{
    protected override IToolCallFormat Format(IReadOnlyList<ToolDefinition> tools) => new Formats.Qwen3CoderFormat(tools);
}
