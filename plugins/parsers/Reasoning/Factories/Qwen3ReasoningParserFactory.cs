using Dynamo.Abstractions.Parsing;
using Dynamo.Abstractions.Plugins;
using Dynamo.Parsers.Reasoning.Harmony;
using Dynamo.Parsers.Reasoning.Tags;

namespace Dynamo.Parsers.Reasoning.Factories;

internal sealed class Qwen3ReasoningParserFactory() : ReasoningParserFactory("qwen3", "qwen3_thinking")
{
    public override IReasoningParser Create(ComponentContext context) => new TagReasoningParser("<think>", "</think>", forced: false);
}
