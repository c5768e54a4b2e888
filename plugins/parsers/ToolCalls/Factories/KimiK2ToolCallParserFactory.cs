using Dynamo.Abstractions.Requests;
using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Factories;

internal sealed class KimiK2ToolCallParserFactory() : ToolCallParserFactory("kimi_k2")
{
    protected override IToolCallFormat Format(IReadOnlyList<ToolDefinition> tools) => new Formats.KimiK2Format(tools);
}
