using System.Text.Json;

namespace Dynamo.Host.OpenAi;

/// <summary>The body of <c>POST /v1/completions</c>.</summary>
internal sealed class CompletionRequest : GenerationRequestBody
{
    public JsonElement? Prompt { get; init; }
    public bool? Echo { get; init; }
    public int? Logprobs { get; init; }
}
