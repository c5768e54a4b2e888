using Dynamo.Abstractions.Requests;
using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Factories;

/// <summary><c>&lt;TOOLCALL&gt;[…]&lt;/TOOLCALL&gt;</c> (Llama-3.x-Nemotron).</summary>
internal sealed class NemotronDeciToolCallParserFactory() : ToolCallParserFactory("nemotron_deci")
{
    protected override IToolCallFormat Format(IReadOnlyList<ToolDefinition> tools) => new Formats.NemotronDeciFormat();
}
