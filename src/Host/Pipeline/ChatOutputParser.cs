using Dynamo.Abstractions.Parsing;
using Dynamo.Abstractions.Requests;

namespace Dynamo.Host.Pipeline;

/// <summary>The postprocess stage for a whole (non-streamed) chat completion, using the parsers' one-shot parse.</summary>
internal static class ChatOutputParser
{
    public static (string? Content, string? Reasoning, IReadOnlyList<ToolCall> ToolCalls) Parse(PreprocessedRequest request, string text)
    {
        var (reasoning, content) = request.Model.ReasoningParser is { } rp ? rp.Parse(text) : new ReasoningParseResult(null, text);
        if (!request.ParseToolCalls || request.Model.ToolCallParser is not { } tp || string.IsNullOrEmpty(content))
            return (content, reasoning, []);
        var parsed = tp.Parse(content, request.Tools);
        return (parsed.Content, reasoning, parsed.ToolCalls);
    }
}
