using System.Text.Json;
using Dynamo.Runtime.Pipeline;

namespace Dynamo.Host.Anthropic;

/// <summary>
/// The body of <c>POST /v1/messages</c> (and <c>/v1/messages/count_tokens</c>, which needs no <c>max_tokens</c>).
/// Content, system and tools are read as JSON and checked field by field (<see cref="AnthropicRequests"/>).
/// </summary>
internal sealed class MessagesRequest
{
    public string? Model { get; init; }
    public int? MaxTokens { get; init; }
    public JsonElement? System { get; init; }
    public List<AnthropicMessage>? Messages { get; init; }
    public List<JsonElement>? Tools { get; init; }
    public AnthropicToolChoice? ToolChoice { get; init; }
    public List<string>? StopSequences { get; init; }
    public float? Temperature { get; init; }
    public float? TopP { get; init; }
    public int? TopK { get; init; }
    public bool? Stream { get; init; }
    public AnthropicMetadata? Metadata { get; init; }
    public AnthropicThinking? Thinking { get; init; }
    public AnthropicOutputConfig? OutputConfig { get; init; }

    /// <summary>Accepted: context editing is the harness's business; the prompt it sends is the prompt served.</summary>
    public JsonElement? ContextManagement { get; init; }

    /// <summary>Accepted: every request here has one tier.</summary>
    public string? ServiceTier { get; init; }

    /// <summary>Code-execution containers and MCP servers run on Anthropic's side; refused here by name.</summary>
    public JsonElement? Container { get; init; }
    public JsonElement? McpServers { get; init; }

    /// <summary>Dynamo's extension works through this door too.</summary>
    public Nvext? Nvext { get; init; }
}

internal sealed record AnthropicMessage(string? Role, JsonElement? Content);

internal sealed record AnthropicToolChoice(string? Type, string? Name, bool? DisableParallelToolUse);

/// <summary><c>user_id</c>: accepted; it identifies the end user to Anthropic, and means nothing to routing here.</summary>
internal sealed record AnthropicMetadata(string? UserId);

internal sealed record AnthropicThinking(string? Type, int? BudgetTokens);

internal sealed record AnthropicOutputConfig(string? Effort, JsonElement? Format);
