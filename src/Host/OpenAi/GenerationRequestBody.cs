using System.Text.Json;

namespace Dynamo.Host.OpenAi;

/// <summary>The fields chat and text completions share (fields we do not read are ignored, as OpenAI's SDKs send many).</summary>
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
    public NvextBody? Nvext { get; init; }
}
