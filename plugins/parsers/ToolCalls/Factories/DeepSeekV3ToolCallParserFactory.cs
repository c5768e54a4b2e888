using Dynamo.Abstractions.Requests;
using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Factories;

internal sealed class DeepSeekV3ToolCallParserFactory() : ToolCallParserFactory("deepseek_v3")
{
    protected override IToolCallFormat Format(IReadOnlyList<ToolDefinition> tools) => new Formats.DeepSeekV3Format();
}
