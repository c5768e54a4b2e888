using Dynamo.Abstractions.Requests;
using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Factories;

/// <summary>Dynamo's generic JSON fallback: <c>&lt;TOOLCALL&gt;</c>, <c>&lt;|python_tag|&gt;</c> or bare JSON.</summary>
internal sealed class DefaultToolCallParserFactory() : ToolCallParserFactory("default")
{
    protected override IToolCallFormat Format(IReadOnlyList<ToolDefinition> tools) => new Formats.DefaultJsonFormat();
}
