using System.Text.Json.Serialization;
using Dynamo.Abstractions.KvCache;

namespace Dynamo.Abstractions.Engines;

/// <summary>One step of generation: new token ids, and on the last step why it ended.</summary>
/// <param name="Logprobs">One per token of <paramref name="TokenIds"/>, when the request asked for them.</param>
public sealed record EngineOutput(
    IReadOnlyList<int> TokenIds,
    FinishReason? FinishReason = null,
    EngineUsage? Usage = null,
    IReadOnlyList<TokenLogprob>? Logprobs = null)
{
    /// <summary>
    /// On the last output of a request that asked for them (<see cref="EngineRequest.ExportKv"/>): the
    /// prompt's full KV blocks, copied out before the engine let them go. In process only.
    /// </summary>
    [JsonIgnore]
    public IReadOnlyList<KvBlockPayload>? ExportedKv { get; init; }

    /// <summary>Where a remote prefill worker staged those blocks for the decode worker to pull.</summary>
    public KvTransferHandle? KvHandle { get; init; }
}
