using Dynamo.Abstractions.Requests;
using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Factories;

internal sealed class InternLmToolCallParserFactory() : ToolCallParserFactory("internlm", "internlm2")
{
    protected override IToolCallFormat Format(IReadOnlyList<ToolDefinition> tools) => new Formats.InternLmFormat(tools);
}
