namespace Dynamo.Dev.Commands;

/// <summary>
/// <c>bench kv-transfer --json</c>: the KV data plane's throughput, with blocks kept (a fresh array each) and
/// transient (one reused buffer), beside a raw socket copy of the same bytes; ratios are to the raw copy.
/// </summary>
internal sealed record KvTransferBenchResult(int Blocks, int BlockBytes, int Repeat, double KeptGigabytesPerSecond, double TransientGigabytesPerSecond,
    double RawGigabytesPerSecond, double KeptRatio, double TransientRatio);
