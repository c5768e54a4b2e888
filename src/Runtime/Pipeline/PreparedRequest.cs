using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.Preprocessing;
using Dynamo.Abstractions.Requests;
using Dynamo.Runtime.Models;

namespace Dynamo.Runtime.Pipeline;

/// <summary>
/// A validated, templated, tokenized request, ready to route: what the engine needs, plus what
/// postprocessing needs. Front doors get one from <see cref="DynamoRuntime"/> and hand it back to run.
/// </summary>
public sealed record PreparedRequest
{
    internal PreparedRequest(ServedModel model, EngineRequest engine, IReadOnlyList<string> stopStrings, IReadOnlyList<ToolDefinition> tools, bool parseToolCalls)
    {
        (Model, Engine, StopStrings, Tools, ParseToolCalls) = (model, engine, stopStrings, tools, parseToolCalls);
    }

    public string RequestId => Engine.RequestId;

    public string ModelName => Model.Name;

    public int PromptTokens => Engine.TokenIds.Count;

    internal ServedModel Model { get; }

    internal EngineRequest Engine { get; init; }

    internal IReadOnlyList<string> StopStrings { get; }

    internal IReadOnlyList<ToolDefinition> Tools { get; }

    internal bool ParseToolCalls { get; }

    /// <summary>The function <c>tool_choice</c> names, if it names one.</summary>
    internal string? ForcedFunction { get; init; }

    /// <summary>How many choices the request generates (<c>n</c>: the first one's prefill shared by the others).</summary>
    public int Choices { get; internal init; } = 1;

    /// <summary>What the chat template rendered, for building the next turn's prompt (speculative prefill).</summary>
    internal ChatTemplateInput? Chat { get; init; }
}
