namespace Dynamo.Dev.Replay;

/// <summary>
/// One request of a trace to replay: when it arrived (ms after the trace's first request), its
/// prompt as a chain of block hashes (the last block may be partial) and its output length.
/// </summary>
/// <param name="TraceBlockSize">Tokens a hash stands for in the trace (512 in Mooncake traces).</param>
internal sealed record ReplayRequest(double ArrivalMs, int InputLength, int OutputLength, IReadOnlyList<ulong> BlockHashes, int TraceBlockSize);
