using Dynamo.Abstractions.Parsing;
using Dynamo.Abstractions.Plugins;
using Dynamo.Parsers.Reasoning.Harmony;
using Dynamo.Parsers.Reasoning.Tags;

namespace Dynamo.Parsers.Reasoning.Factories;

internal sealed class MistralReasoningParserFactory() : ReasoningParserFactory("mistral", "magistral")
{
    public override IReasoningParser Create(ComponentContext context) => new TagReasoningParser("[THINK]", "[/THINK]", forced: false);
}
