namespace Dynamo.Dev.Commands;

/// <summary><c>bench memory --json</c>: the read bandwidth the machine gives this many threads.</summary>
internal sealed record MemoryBenchResult(int Threads, long Megabytes, double GigabytesPerSecond);
