using System.Text.Json.Serialization;
using Dynamo.Abstractions.KvCache;
using Dynamo.Abstractions.Requests;

namespace Dynamo.Abstractions.Engines;

/// <summary>A tokenized request, as the engine sees it.</summary>
public sealed record EngineRequest(
    string RequestId,
    IReadOnlyList<int> TokenIds,
    SamplingParams Sampling,
    StopConditions Stop,
    RequestMetadata Metadata)
{
    /// <summary>Scheduling priority: higher runs first (from <c>agent_hints.priority</c>).</summary>
    public int Priority => Metadata.Priority;

    /// <summary>
    /// The request's reasoning markers and the cap on its reasoning tokens, when it has reasoning to track:
    /// a cap (<see cref="ReasoningBudget.MaxTokens"/>), or a grammar that starts where reasoning ends.
    /// </summary>
    public ReasoningBudget? Reasoning { get; init; }

    /// <summary>A grammar the output must follow (after any reasoning).</summary>
    public EngineConstraint? Constraint { get; init; }

    /// <summary>Log probabilities to report, if asked for.</summary>
    public LogprobsRequest? Logprobs { get; init; }

    /// <summary>Added to a token's logit before sampling (OpenAI's <c>logit_bias</c>: -100 bans, 100 forces).</summary>
    public IReadOnlyDictionary<int, float>? LogitBias { get; init; }

    /// <summary>
    /// Disaggregated prefill: copy the prompt's full KV blocks out at the end, onto the last output's
    /// <see cref="EngineOutput.ExportedKv"/>, for a decode worker to continue from.
    /// </summary>
    public bool ExportKv { get; init; }

    /// <summary>
    /// Disaggregated decode: KV blocks of this prompt computed elsewhere, copied in instead of prefilled
    /// (a prefix of the prompt's full blocks; whatever is missing is prefilled here). In process only.
    /// </summary>
    [JsonIgnore]
    public IReadOnlyList<KvBlockPayload>? ImportKv { get; init; }

    /// <summary>Disaggregated decode on a remote worker: where to pull <see cref="ImportKv"/> from first.</summary>
    public KvTransferHandle? KvSource { get; init; }
}
