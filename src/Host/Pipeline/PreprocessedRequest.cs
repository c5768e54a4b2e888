using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.Preprocessing;
using Dynamo.Abstractions.Requests;
using Dynamo.Host.Models;

namespace Dynamo.Host.Pipeline;

/// <summary>A validated, templated, tokenized request: what the route and engine stages need, plus what postprocessing needs.</summary>
internal sealed record PreprocessedRequest(
    ServedModel Model,
    EngineRequest Engine,
    bool Stream,
    bool IncludeUsage,
    IReadOnlyList<string> StopStrings,
    IReadOnlyList<ToolDefinition> Tools,
    bool ParseToolCalls,
    string? ForcedFunction = null)
{
    /// <summary>What the chat template rendered, for building the next turn's prompt (speculative prefill).</summary>
    public ChatTemplateInput? Chat { get; init; }
}
