using Dynamo.Abstractions.Parsing;

namespace Dynamo.Parsers.Reasoning.Tags;

/// <summary>
/// Reasoning between a start and an end tag (<c>&lt;think&gt;…&lt;/think&gt;</c> and kin). With
/// <paramref name="forced"/> the output begins in reasoning (the template opened the tag), so
/// text before the end tag is reasoning even without a start tag. Without an end tag, reasoning
/// runs to the end of the output (a cut-short thought); after it, all text is content.
/// </summary>
internal sealed class TagReasoningParser(string start, string end, bool forced) : IReasoningParser
{
    public ReasoningParseResult Parse(string text) => ReasoningAccumulator.ParseAll(CreateStreamParser(), text);

    public IReasoningStreamParser CreateStreamParser() => new TagReasoningStream(start, end, forced);

    public ReasoningMarkers Markers { get; } = new(start, end, forced);
}
