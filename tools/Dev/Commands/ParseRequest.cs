using System.Text.Json;
using Dynamo.Host.OpenAi;

namespace Dynamo.Dev.Commands;

/// <summary>One line of <c>dynamo-dev parse … --jsonl</c>: model output to parse, with the request's tools and template variables where they matter.</summary>
internal sealed class ParseRequest
{
    public JsonElement? Id { get; init; }
    public string? Text { get; init; }
    public List<ToolBody>? Tools { get; init; }

    /// <summary>The request's template variables, for reasoning parsers that follow the thinking switch.</summary>
    [System.Text.Json.Serialization.JsonPropertyName("chat_template_kwargs")]
    public Dictionary<string, JsonElement>? ChatTemplateKwargs { get; init; }
}
