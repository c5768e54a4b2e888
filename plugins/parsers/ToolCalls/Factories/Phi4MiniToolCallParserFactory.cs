using Dynamo.Abstractions.Requests;
using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Factories;

internal sealed class Phi4MiniToolCallParserFactory() : ToolCallParserFactory("phi4_mini_json", "phi4")
{
    protected override IToolCallFormat Format(IReadOnlyList<ToolDefinition> tools) => new Formats.Phi4MiniFormat();
}
