using System.Text;
using Dynamo.Abstractions.Parsing;

namespace Dynamo.Parsers.Reasoning;

/// <summary>Adds streamed reasoning and content up; the one-shot parse is the stream fed everything at once.</summary>
public sealed class ReasoningAccumulator
{
    private readonly StringBuilder _reasoning = new();
    private readonly StringBuilder _content = new();

    public void Add(ReasoningParseResult delta)
    {
        _reasoning.Append(delta.Reasoning);
        _content.Append(delta.Content);
    }

    public ReasoningParseResult Result() => new(_reasoning.Length > 0 ? _reasoning.ToString() : null, _content.Length > 0 ? _content.ToString() : null);

    /// <summary>One push's output: null for an empty side, <see cref="ReasoningParseResult.Empty"/> when both are.</summary>
    public static ReasoningParseResult Delta(StringBuilder reasoning, StringBuilder content) =>
        reasoning.Length == 0 && content.Length == 0 ? ReasoningParseResult.Empty
            : new(reasoning.Length > 0 ? reasoning.ToString() : null, content.Length > 0 ? content.ToString() : null);

    public static ReasoningParseResult ParseAll(IReasoningStreamParser stream, string text)
    {
        var result = new ReasoningAccumulator();
        result.Add(stream.Push(text));
        result.Add(stream.Finish());
        return result.Result();
    }
}
