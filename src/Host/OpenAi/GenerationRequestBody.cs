using System.Text.Json;
using Dynamo.Runtime.Pipeline;

namespace Dynamo.Host.OpenAi;

/// <summary>
/// The fields chat and text completions share. Fields OpenAI defines whose meaning is not built
/// yet are read so they can be refused by name; fields nobody defines are ignored, as SDKs send extras.
/// </summary>
internal abstract class GenerationRequestBody
{
    public string? Model { get; init; }
    public int? MaxTokens { get; init; }
    public float? Temperature { get; init; }
    public float? TopP { get; init; }
    public int? TopK { get; init; }
    public long? Seed { get; init; }
    public float? MinP { get; init; }
    public float? RepetitionPenalty { get; init; }
    public float? PresencePenalty { get; init; }
    public float? FrequencyPenalty { get; init; }
    public JsonElement? Stop { get; init; }
    public int? N { get; init; }
    public bool? Stream { get; init; }
    public StreamOptionsBody? StreamOptions { get; init; }
    public string? User { get; init; }
    public bool? IgnoreEos { get; init; }
    public Nvext? Nvext { get; init; }
    public JsonElement? LogitBias { get; init; }

    // Structured output as OpenAI and vLLM take it (StructuredOutputs reads these).
    public JsonElement? ResponseFormat { get; init; }
    public JsonElement? StructuredOutputs { get; init; }
    public JsonElement? GuidedJson { get; init; }
    public string? GuidedRegex { get; init; }
    public JsonElement? GuidedChoice { get; init; }
    public string? GuidedGrammar { get; init; }
    public string? GuidedWhitespacePattern { get; init; }

    // vLLM's sampling extensions.
    public List<int>? StopTokenIds { get; init; }
    public int? MinTokens { get; init; }
}
