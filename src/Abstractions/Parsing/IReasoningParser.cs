namespace Dynamo.Abstractions.Parsing;

/// <summary>Separates a model's reasoning from its answer.</summary>
public interface IReasoningParser
{
    ReasoningParseResult Parse(string text);

    IReasoningStreamParser CreateStreamParser();

    /// <summary>Parses a whole output for a request whose template variables may matter (thinking switched off, say).</summary>
    ReasoningParseResult Parse(string text, ReasoningRequest request) => Parse(text);

    /// <summary>Starts parsing one streamed output for such a request; parsers that ignore the request need not implement it.</summary>
    IReasoningStreamParser CreateStreamParser(ReasoningRequest request) => CreateStreamParser();

    /// <summary>The text that opens and closes reasoning, for an engine to end it when a reasoning budget is spent; null when the format has no such markers.</summary>
    ReasoningMarkers? Markers => null;
}

/// <param name="Start">Opens reasoning; null when the output always begins in it.</param>
/// <param name="End">Closes reasoning.</param>
/// <param name="StartsInReasoning">The output begins in reasoning (the template opened it).</param>
public sealed record ReasoningMarkers(string? Start, string End, bool StartsInReasoning);

/// <summary>Per-request streaming state of a reasoning parser.</summary>
public interface IReasoningStreamParser
{
    /// <summary>Feeds newly generated text; returns the reasoning and content that can be emitted now.</summary>
    ReasoningParseResult Push(string textDelta);

    /// <summary>End of stream: flushes anything held back.</summary>
    ReasoningParseResult Finish();

    /// <summary>End of stream, saying whether the engine stopped at a stop token it does not show (see <see cref="IToolCallStreamParser.Finish(bool)"/>).</summary>
    ReasoningParseResult Finish(bool atStopToken) => Finish();
}

/// <summary>Reasoning and content; either may be null when there is none.</summary>
public sealed record ReasoningParseResult(string? Reasoning, string? Content)
{
    public static readonly ReasoningParseResult Empty = new(null, null);
}
