using Dynamo.Abstractions.Parsing;

namespace Dynamo.Parsers.Reasoning.Harmony;

/// <summary>
/// gpt-oss's harmony messages: the <c>analysis</c> channel is reasoning, <c>final</c> (and
/// commentary addressed to no one) is content. Commentary addressed to a function passes to
/// the content as <c>&lt;|channel|&gt;commentary to=functions.NAME &lt;|constrain|&gt;json&lt;|message|&gt;{…}&lt;|call|&gt;</c>
/// for the <c>harmony</c> tool-call parser; all other framing is dropped.
/// </summary>
internal sealed class HarmonyReasoningParser : IReasoningParser
{
    public ReasoningParseResult Parse(string text) => ReasoningAccumulator.ParseAll(CreateStreamParser(), text);

    public IReasoningStreamParser CreateStreamParser() => new HarmonyReasoningStream();

    // A spent budget closes the analysis message and opens the final one.
    public ReasoningMarkers Markers { get; } = new("<|channel|>analysis<|message|>", "<|end|><|start|>assistant<|channel|>final<|message|>", StartsInReasoning: false);
}
