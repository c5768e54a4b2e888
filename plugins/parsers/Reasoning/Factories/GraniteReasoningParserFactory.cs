using Dynamo.Abstractions.Parsing;
using Dynamo.Abstractions.Plugins;
using Dynamo.Parsers.Reasoning.Harmony;
using Dynamo.Parsers.Reasoning.Tags;

namespace Dynamo.Parsers.Reasoning.Factories;

internal sealed class GraniteReasoningParserFactory() : ReasoningParserFactory("granite")
{
    public override IReasoningParser Create(ComponentContext context) => new TagReasoningParser("Here is my thought process:", "Here is my response:", forced: false);
}
