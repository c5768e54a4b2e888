namespace Dynamo.Abstractions.Engines;

/// <summary>What an engine instance is: fixed for its lifetime.</summary>
/// <param name="KvBlockSize">Tokens per KV block (the unit of prefix caching and KV events).</param>
/// <param name="KvCapacityBlocks">How many KV blocks the cache holds.</param>
/// <param name="MaxContextLength">Longest prompt + output the engine accepts.</param>
/// <param name="MaxBatchSize">Most sequences it runs at once.</param>
public sealed record EngineDescriptor(
    int KvBlockSize,
    int KvCapacityBlocks,
    int MaxContextLength,
    int MaxBatchSize);
