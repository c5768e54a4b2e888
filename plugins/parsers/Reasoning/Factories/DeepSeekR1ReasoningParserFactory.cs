using Dynamo.Abstractions.Parsing;
using Dynamo.Abstractions.Plugins;
using Dynamo.Parsers.Reasoning.Harmony;
using Dynamo.Parsers.Reasoning.Tags;

namespace Dynamo.Parsers.Reasoning.Factories;

internal sealed class DeepSeekR1ReasoningParserFactory() : ReasoningParserFactory("deepseek_r1")
{
    public override IReasoningParser Create(ComponentContext context) => new TagReasoningParser("<think>", "</think>", forced: true);
}
