using Dynamo.Abstractions.Requests;

namespace Dynamo.Abstractions.Parsing;

/// <summary>A one-shot parse: the plain content and the calls found.</summary>
public sealed record ToolCallParseResult(string? Content, IReadOnlyList<ToolCall> ToolCalls)
{
    public static ToolCallParseResult ContentOnly(string? content) => new(content, []);
}
