namespace Dynamo.Abstractions.Parsing;

/// <summary>What one push of a streaming tool-call parser yields.</summary>
public sealed record ToolCallStreamDelta(string? Content, IReadOnlyList<ToolCallChunk> Calls)
{
    public static readonly ToolCallStreamDelta Empty = new(null, []);

    public static ToolCallStreamDelta Text(string? content) => new(content, []);
}

/// <summary>
/// A piece of a streamed tool call, as OpenAI streams them: the first chunk of a call carries its
/// <see cref="Id"/> and <see cref="Name"/>; later chunks append to its arguments.
/// </summary>
public sealed record ToolCallChunk(int Index, string? Id, string? Name, string? ArgumentsDelta);
