using Dynamo.Abstractions.Requests;

namespace Dynamo.Runtime.Pipeline;

/// <summary>A raw-prompt completion (no template, no parsers): text, or token ids.</summary>
public sealed record CompletionRequest(string? Model, string? Prompt, IReadOnlyList<int>? PromptTokenIds = null)
{
    public SamplingParams Sampling { get; init; } = new();

    public int? MaxTokens { get; init; }

    /// <summary>The budget when <see cref="MaxTokens"/> is not given, if less than the context leaves (OpenAI's legacy default is 16).</summary>
    public int? DefaultMaxTokens { get; init; }

    public IReadOnlyList<string> Stop { get; init; } = [];

    public bool IgnoreEos { get; init; }

    public RequestMetadata Metadata { get; init; } = RequestMetadata.Empty;

    /// <summary>Structured output and the rest of the sampling contract.</summary>
    public DecodingOptions Decoding { get; init; } = DecodingOptions.Default;
}
