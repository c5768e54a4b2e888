using System.Text.Json;
using Dynamo.Runtime.Pipeline;

namespace Dynamo.Host.Responses;

/// <summary>
/// The body of <c>POST /v1/responses</c>. Input items, tools and the tool choice are read as JSON and
/// checked item by item (<see cref="ResponsesRequests"/>).
/// </summary>
internal sealed class ResponsesRequest
{
    public string? Model { get; init; }
    public string? Instructions { get; init; }
    public JsonElement? Input { get; init; }
    public List<JsonElement>? Tools { get; init; }
    public JsonElement? ToolChoice { get; init; }
    public bool? ParallelToolCalls { get; init; }
    public int? MaxOutputTokens { get; init; }
    public float? Temperature { get; init; }
    public float? TopP { get; init; }
    public int? TopLogprobs { get; init; }
    public bool? Stream { get; init; }
    public bool? Store { get; init; }
    public string? PreviousResponseId { get; init; }
    public ReasoningConfig? Reasoning { get; init; }
    public List<string>? Include { get; init; }
    public TextConfig? Text { get; init; }
    public string? Truncation { get; init; }
    public bool? Background { get; init; }
    public JsonElement? Conversation { get; init; }
    public JsonElement? Prompt { get; init; }

    /// <summary>Echoed back on the response object.</summary>
    public Dictionary<string, string>? Metadata { get; init; }

    /// <summary>Accepted: end-user ids and client metadata identify the caller to OpenAI, and mean nothing to routing here.</summary>
    public string? User { get; init; }
    public JsonElement? ClientMetadata { get; init; }
    public string? SafetyIdentifier { get; init; }
    public string? ServiceTier { get; init; }

    /// <summary>The session this request belongs to, when no session header names one.</summary>
    public string? PromptCacheKey { get; init; }

    /// <summary>Dynamo's extension works through this door too.</summary>
    public Nvext? Nvext { get; init; }
}

/// <param name="Effort">none, minimal, low, medium, high, xhigh, max, ultra (<see cref="ReasoningEfforts"/>).</param>
/// <param name="Summary">auto, concise or detailed: reasoning comes back as a summary; otherwise as reasoning text.</param>
internal sealed record ReasoningConfig(string? Effort, string? Summary, string? GenerateSummary = null);

/// <param name="Verbosity">Accepted, no effect: the served models have no verbosity switch.</param>
internal sealed record TextConfig(JsonElement? Format, string? Verbosity);
