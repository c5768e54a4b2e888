using Dynamo.Abstractions.Requests;
using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Factories;

internal sealed class DeepSeekV31ToolCallParserFactory() : ToolCallParserFactory("deepseek_v3_1", "deepseek_v31")
{
    protected override IToolCallFormat Format(IReadOnlyList<ToolDefinition> tools) => new Formats.DeepSeekV31Format();
}
