namespace Dynamo.Abstractions.KvCache;

/// <summary>One full block's two hashes.</summary>
/// <param name="LocalHash">Hash of this block's token ids alone.</param>
/// <param name="SequenceHash">Hash of this block and every block before it: the block's identity.</param>
public readonly record struct KvBlockHash(ulong LocalHash, ulong SequenceHash);
