using Dynamo.Abstractions.Parsing;

namespace Dynamo.Parsers.Reasoning.Tags;

/// <summary>
/// Reasoning between markers (<c>&lt;think&gt;…&lt;/think&gt;</c> and kin; see <see cref="TagReasoningSpec"/>).
/// Text before a start marker is content; a thought cut short (no end marker) runs to the end of
/// the output; after the end marker text is content, and a later start marker opens another thought.
/// </summary>
internal sealed class TagReasoningParser(TagReasoningSpec spec) : IReasoningParser
{
    public ReasoningParseResult Parse(string text) => Parse(text, ReasoningRequest.Default);

    public ReasoningParseResult Parse(string text, ReasoningRequest request) => ReasoningAccumulator.ParseAll(CreateStreamParser(request), text);

    public IReasoningStreamParser CreateStreamParser() => CreateStreamParser(ReasoningRequest.Default);

    public IReasoningStreamParser CreateStreamParser(ReasoningRequest request) => new TagReasoningStream(spec, spec.Opening switch
    {
        Opening.InReasoning => request.Thinking != false,
        Opening.WhenThinkingOn => request.Thinking == true,
        _ => false,
    });

    public ReasoningMarkers Markers { get; } = new(spec.Starts[0], spec.Ends[0], spec.Opening == Opening.InReasoning);
}
