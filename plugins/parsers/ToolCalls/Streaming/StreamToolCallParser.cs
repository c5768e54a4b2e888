using Dynamo.Abstractions.Parsing;
using Dynamo.Abstractions.Requests;

namespace Dynamo.Parsers.ToolCalls.Streaming;

/// <summary>A family's parser: the one-shot parse is the stream parser fed everything at once, so the two paths cannot disagree.</summary>
internal sealed class StreamToolCallParser(Func<IReadOnlyList<ToolDefinition>, Random, IToolCallStreamParser> stream, Abstractions.Constraints.ToolCallSyntax? syntax = null, Random? random = null) : IToolCallParser
{
    public Abstractions.Constraints.ToolCallSyntax? Syntax => syntax;

    public ToolCallParseResult Parse(string text, IReadOnlyList<ToolDefinition> tools)
    {
        var parser = CreateStreamParser(tools);
        var result = new ToolCallAccumulator();
        result.Add(parser.Push(text));
        result.Add(parser.Finish());
        return result.Result();
    }

    public IToolCallStreamParser CreateStreamParser(IReadOnlyList<ToolDefinition> tools) => stream(tools, random ?? Random.Shared);
}
