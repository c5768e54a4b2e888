using System.Text.Json;
using Dynamo.Host.OpenAi;

namespace Dynamo.Dev.Commands;

/// <summary>One line of <c>dynamo-dev parse … --jsonl</c>: model output to parse, with the request's tools where they matter.</summary>
internal sealed class ParseRequest
{
    public JsonElement? Id { get; init; }
    public string? Text { get; init; }
    public List<ToolBody>? Tools { get; init; }
}
