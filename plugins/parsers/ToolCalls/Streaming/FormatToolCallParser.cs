using Dynamo.Abstractions.Parsing;
using Dynamo.Abstractions.Requests;

namespace Dynamo.Parsers.ToolCalls.Streaming;

/// <summary>A family's parser: the one-shot parse is the stream parser fed everything at once, so the two paths cannot disagree.</summary>
internal sealed class FormatToolCallParser(Func<IReadOnlyList<ToolDefinition>, IToolCallFormat> format, Abstractions.Constraints.ToolCallSyntax? syntax = null, Random? random = null) : IToolCallParser
{
    public Abstractions.Constraints.ToolCallSyntax? Syntax => syntax;

    public ToolCallParseResult Parse(string text, IReadOnlyList<ToolDefinition> tools)
    {
        var stream = CreateStreamParser(tools);
        var result = new ToolCallAccumulator();
        result.Add(stream.Push(text));
        result.Add(stream.Finish());
        return result.Result();
    }

    public IToolCallStreamParser CreateStreamParser(IReadOnlyList<ToolDefinition> tools) => new ToolCallStream(format(tools), random ?? Random.Shared);
}
