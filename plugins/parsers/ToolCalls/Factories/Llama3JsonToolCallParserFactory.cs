using Dynamo.Abstractions.Requests;
using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Factories;

internal sealed class Llama3JsonToolCallParserFactory() : ToolCallParserFactory("llama3_json", "llama3", "llama4_json")
{
    protected override IToolCallFormat Format(IReadOnlyList<ToolDefinition> tools) => new Formats.Llama3JsonFormat();
}
