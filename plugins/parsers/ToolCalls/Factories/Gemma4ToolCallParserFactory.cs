using Dynamo.Abstractions.Requests;
using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Factories;

// No Syntax: Gemma's argument notation has no ArgumentsEncoding for grammars to write.
internal sealed class Gemma4ToolCallParserFactory() : ToolCallParserFactory("gemma4", "gemma-4")
{
    protected override IToolCallFormat Format(IReadOnlyList<ToolDefinition> tools) => new Formats.Gemma4Format();
}
