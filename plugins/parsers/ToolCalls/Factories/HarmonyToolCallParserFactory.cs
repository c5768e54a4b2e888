using Dynamo.Abstractions.Requests;
using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Factories;

internal sealed class HarmonyToolCallParserFactory() : ToolCallParserFactory("harmony", "openai", "gpt_oss")
{
    protected override IToolCallFormat Format(IReadOnlyList<ToolDefinition> tools) => new Formats.HarmonyFormat();
}
