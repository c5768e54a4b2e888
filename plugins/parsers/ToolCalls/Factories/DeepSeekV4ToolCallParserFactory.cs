using Dynamo.Abstractions.Requests;
using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Factories;

/// <summary>DeepSeek V4's DSML: <c>&lt;｜DSML｜tool_calls&gt;&lt;｜DSML｜invoke name="…"&gt;…</c>.</summary>
internal sealed class DeepSeekV4ToolCallParserFactory() : ToolCallParserFactory("deepseek_v4", "deepseek-v4", "deepseekv4")
{
    protected override IToolCallFormat Format(IReadOnlyList<ToolDefinition> tools) => new Formats.XmlCallsFormat(Formats.XmlCallSyntax.Dsml("tool_calls"), tools);
}
