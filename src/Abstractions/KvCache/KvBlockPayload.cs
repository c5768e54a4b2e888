namespace Dynamo.Abstractions.KvCache;

/// <summary>One full, immutable KV block moving between the device cache and an offload tier.</summary>
/// <param name="Hash">The block's hashes; <see cref="KvBlockHash.SequenceHash"/> is its key.</param>
/// <param name="ParentSequenceHash">The block before it, if any.</param>
/// <param name="TokenIds">The block's token ids.</param>
/// <param name="Data">The engine's bytes for the block (all layers' K and V).</param>
/// <param name="Priority">Priority of the request that produced it (higher is kept longer).</param>
public sealed record KvBlockPayload(
    KvBlockHash Hash,
    ulong? ParentSequenceHash,
    IReadOnlyList<int> TokenIds,
    ReadOnlyMemory<byte> Data,
    int Priority = 0);
