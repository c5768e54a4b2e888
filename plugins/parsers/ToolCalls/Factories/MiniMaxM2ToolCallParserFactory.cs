using Dynamo.Abstractions.Requests;
using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Factories;

internal sealed class MiniMaxM2ToolCallParserFactory() : ToolCallParserFactory("minimax_m2")
{
    protected override IToolCallFormat Format(IReadOnlyList<ToolDefinition> tools) => new Formats.XmlCallsFormat(Formats.XmlCallSyntax.MiniMaxM2, tools);
}
