using Dynamo.Abstractions.Parsing;
using Dynamo.Abstractions.Plugins;
using Dynamo.Parsers.Reasoning.Tags;

namespace Dynamo.Parsers.Reasoning.Factories;

/// <summary>A family whose reasoning sits between markers: each family is one small subclass naming its markers.</summary>
internal abstract class TagReasoningParserFactory(string name, TagReasoningSpec spec, params string[] aliases) : ReasoningParserFactory(name, aliases)
{
    public override IReasoningParser Create(ComponentContext context) => new TagReasoningParser(spec);
}
