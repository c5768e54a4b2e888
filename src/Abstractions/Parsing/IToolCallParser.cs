using Dynamo.Abstractions.Requests;

namespace Dynamo.Abstractions.Parsing;

/// <summary>
/// Turns a model family's tool-call markup into OpenAI tool calls. One instance serves a model;
/// streaming state lives in the <see cref="IToolCallStreamParser"/> it creates per request.
/// </summary>
public interface IToolCallParser
{
    /// <summary>Parses a whole completion at once.</summary>
    ToolCallParseResult Parse(string text, IReadOnlyList<ToolDefinition> tools);

    /// <summary>Starts parsing one streamed completion.</summary>
    IToolCallStreamParser CreateStreamParser(IReadOnlyList<ToolDefinition> tools);

    /// <summary>
    /// How this family writes calls, so a grammar can make the model write them (<c>tool_choice: "required"</c>,
    /// a named function, strict tools); null when the family cannot describe its syntax that way.
    /// </summary>
    Constraints.ToolCallSyntax? Syntax => null;
}

/// <summary>Per-request streaming state of a tool-call parser.</summary>
public interface IToolCallStreamParser
{
    /// <summary>Feeds newly generated text; returns what can be emitted now (text that may
    /// still turn out to be markup is held back).</summary>
    ToolCallStreamDelta Push(string textDelta);

    /// <summary>End of stream: flushes held-back text and recovers an unterminated call where the format allows.</summary>
    ToolCallStreamDelta Finish();

    /// <summary>
    /// End of stream, saying whether the engine stopped at a stop token it does not show: a family whose
    /// markup ends at such a token (gpt-oss's <c>&lt;|call|&gt;</c>) takes it as written.
    /// </summary>
    ToolCallStreamDelta Finish(bool atStopToken) => Finish();
}
