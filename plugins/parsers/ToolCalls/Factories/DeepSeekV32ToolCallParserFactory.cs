using Dynamo.Abstractions.Requests;
using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Factories;

/// <summary>DeepSeek V3.2's DSML: <c>&lt;｜DSML｜function_calls&gt;&lt;｜DSML｜invoke name="…"&gt;…</c>.</summary>
internal sealed class DeepSeekV32ToolCallParserFactory() : ToolCallParserFactory("deepseek_v3_2", "deepseek_v32")
{
    protected override IToolCallFormat Format(IReadOnlyList<ToolDefinition> tools) => new Formats.XmlCallsFormat(Formats.XmlCallSyntax.Dsml("function_calls"), tools);
}
