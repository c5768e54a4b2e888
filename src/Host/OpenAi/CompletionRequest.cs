using System.Text.Json;

namespace Dynamo.Host.OpenAi;

/// <summary>The body of <c>POST /v1/completions</c>.</summary>
internal sealed record CompletionRequest(
    string? Model,
    JsonElement? Prompt,
    int? MaxTokens,
    float? Temperature,
    float? TopP,
    int? TopK,
    long? Seed,
    JsonElement? Stop,
    int? N,
    bool? Stream,
    StreamOptionsBody? StreamOptions,
    string? User,
    bool? IgnoreEos,
    bool? Echo,
    NvextBody? Nvext);
