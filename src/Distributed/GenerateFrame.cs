using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.KvCache;

namespace Dynamo.Distributed;

/// <summary>
/// One message of a worker's reply stream: tokens (the last with a finish reason and usage), an
/// error, or a keep-alive that tells the frontend the worker still lives while nothing is ready.
/// </summary>
/// <param name="Gone">The worker is shutting down: the request should move to another worker.</param>
/// <param name="Kv">On a disaggregated prefill's last frame: where its KV blocks wait to be pulled.</param>
internal sealed record GenerateFrame(
    int[]? Tokens = null,
    FinishReason? Finish = null,
    EngineUsage? Usage = null,
    string? Error = null,
    bool ClientError = false,
    bool KeepAlive = false,
    bool Gone = false,
    TokenLogprob[]? Logprobs = null,
    KvTransferHandle? Kv = null)
{
    public static readonly GenerateFrame Alive = new(KeepAlive: true);

    public static GenerateFrame From(EngineOutput output) => new([.. output.TokenIds], output.FinishReason, output.Usage, Logprobs: output.Logprobs is { } l ? [.. l] : null, Kv: output.KvHandle);

    public EngineOutput ToOutput() => new(Tokens ?? [], Finish, Usage, Logprobs) { KvHandle = Kv };
}
