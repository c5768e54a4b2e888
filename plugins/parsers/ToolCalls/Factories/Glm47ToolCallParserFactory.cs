using Dynamo.Abstractions.Requests;
using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Factories;

internal sealed class Glm47ToolCallParserFactory() : ToolCallParserFactory("glm47", "glm45", "glm4_moe")
{
    protected override IToolCallFormat Format(IReadOnlyList<ToolDefinition> tools) => new Formats.XmlCallsFormat(Formats.XmlCallSyntax.Glm, tools);
}
