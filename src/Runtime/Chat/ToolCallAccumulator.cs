using System.Text;
using Dynamo.Abstractions.Parsing;
using Microsoft.Extensions.AI;

namespace Dynamo.Runtime.Chat;

/// <summary>Streamed tool-call pieces (id and name first, then arguments) put back together, per call index.</summary>
internal sealed class ToolCallAccumulator
{
    private readonly SortedDictionary<int, (string? Id, string? Name, StringBuilder Arguments)> _calls = [];

    public void Add(IReadOnlyList<ToolCallChunk>? chunks)
    {
        foreach (var chunk in chunks ?? [])
        {
            if (!_calls.TryGetValue(chunk.Index, out var call))
                _calls[chunk.Index] = call = (chunk.Id, chunk.Name, new StringBuilder());
            _calls[chunk.Index] = (call.Id ?? chunk.Id, call.Name ?? chunk.Name, call.Arguments.Append(chunk.ArgumentsDelta));
        }
    }

    /// <summary>The calls so far, in index order, with their arguments as received.</summary>
    public IReadOnlyList<(string? Id, string? Name, string Arguments)> Calls => [.. _calls.Values.Select(c => (c.Id, c.Name, c.Arguments.ToString()))];

    public IEnumerable<FunctionCallContent> Complete() =>
        Calls.Select(c => ChatRequestMapper.ToFunctionCall(c.Id ?? "", c.Name ?? "", c.Arguments));
}
