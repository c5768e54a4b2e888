using Dynamo.Abstractions.Parsing;
using Dynamo.Abstractions.Requests;

namespace Dynamo.Runtime.Pipeline;

/// <summary>The postprocess stage for a whole (non-streamed) chat completion, using the parsers' one-shot parse.</summary>
internal static class ChatOutputParser
{
    public static (string? Content, string? Reasoning, IReadOnlyList<ToolCall> ToolCalls) Parse(PreparedRequest request, string text)
    {
        var (reasoning, content) = request.Model.ReasoningParser is { } rp ? rp.Parse(text) : new ReasoningParseResult(null, text);
        var parsed = request.ParseToolCalls && request.Model.ToolCallParser is { } tp && !string.IsNullOrEmpty(content)
            ? tp.Parse(content, request.Tools)
            : ToolCallParseResult.ContentOnly(content);
        if (parsed.ToolCalls.Count == 0 && request.ForcedFunction is { } forced && ForcedFunctionCall.From(forced, parsed.Content) is { } call)
            return (null, reasoning, [call]);
        return (parsed.Content, reasoning, parsed.ToolCalls);
    }
}
