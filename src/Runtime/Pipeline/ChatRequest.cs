using System.Text.Json;
using Dynamo.Abstractions.Requests;

namespace Dynamo.Runtime.Pipeline;

/// <summary>
/// A chat request as every front door hands it to the runtime, whatever its wire protocol. The
/// front door checks its own wire shape; the runtime checks the rest (model, tools, stop, lengths).
/// </summary>
public sealed record ChatRequest(string? Model, IReadOnlyList<ChatMessage> Messages)
{
    public IReadOnlyList<ToolDefinition> Tools { get; init; } = [];

    /// <summary>Null when the request does not say (then calls are parsed whenever tools are given).</summary>
    public ToolChoice? ToolChoice { get; init; }

    public SamplingParams Sampling { get; init; } = new();

    /// <summary>Most tokens to generate; null: whatever the context leaves.</summary>
    public int? MaxTokens { get; init; }

    /// <summary>How the request named <see cref="MaxTokens"/>, for errors (<c>max_tokens</c>, <c>max_completion_tokens</c>).</summary>
    public string MaxTokensField { get; init; } = "max_tokens";

    /// <summary>A <see cref="MaxTokens"/> larger than the context leaves is cut to fit, not refused (Anthropic's contract: harnesses ask for 32000).</summary>
    public bool FitMaxTokens { get; init; }

    public IReadOnlyList<string> Stop { get; init; } = [];

    public bool IgnoreEos { get; init; }

    public RequestMetadata Metadata { get; init; } = RequestMetadata.Empty;

    /// <summary>Extra chat template variables (<c>chat_template_kwargs</c>).</summary>
    public IReadOnlyDictionary<string, JsonElement>? ChatTemplateKwargs { get; init; }

    /// <summary>
    /// Thinking on or off (Anthropic's <c>thinking</c>, the Responses API's <c>reasoning.effort</c>):
    /// the templates' switches <c>enable_thinking</c> and <c>thinking</c>, unless the kwargs set them. Null: the template's default.
    /// </summary>
    public bool? Thinking { get; init; }

    /// <summary>Most reasoning tokens before the engine ends the reasoning itself (Dynamo's <c>max_thinking_tokens</c>, Anthropic's <c>budget_tokens</c>).</summary>
    public int? MaxThinkingTokens { get; init; }

    /// <summary>How the request named <see cref="MaxThinkingTokens"/>, for errors.</summary>
    public string MaxThinkingTokensField { get; init; } = "nvext.max_thinking_tokens";

    /// <summary>More than one tool call may be made (<c>parallel_tool_calls</c>); false makes a grammar allow one at most.</summary>
    public bool ParallelToolCalls { get; init; } = true;

    /// <summary>Structured output and the rest of the sampling contract, as for text completions.</summary>
    public DecodingOptions Decoding { get; init; } = DecodingOptions.Default;
}
