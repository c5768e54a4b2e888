using System.Text;
using Dynamo.Abstractions.Parsing;
using Dynamo.Abstractions.Requests;

namespace Dynamo.Parsers.ToolCalls.Streaming;

/// <summary>Adds streamed deltas up into the final content and calls, as a client accumulating OpenAI chunks would.</summary>
public sealed class ToolCallAccumulator
{
    private readonly StringBuilder _content = new();
    private readonly SortedDictionary<int, (string Id, string Name, StringBuilder Arguments)> _calls = [];

    public void Add(ToolCallStreamDelta delta)
    {
        _content.Append(delta.Content);
        foreach (var chunk in delta.Calls)
        {
            if (chunk.Id is not null)
                _calls[chunk.Index] = (chunk.Id, chunk.Name ?? "", new StringBuilder());
            _calls[chunk.Index].Arguments.Append(chunk.ArgumentsDelta);
        }
    }

    public ToolCallParseResult Result() => new(_content.Length > 0 ? _content.ToString() : null,
        _calls.Values.Select(c => new ToolCall(c.Id, c.Name, c.Arguments.ToString())).ToList());
}
