using Dynamo.Abstractions.KvCache;

namespace Dynamo.Runtime.Tracing;

/// <summary>
/// The request trace's <c>replay.input_sequence_hashes</c>: the KV sequence hash of every prompt
/// block, the trailing partial block included (so there are ⌈input length / block size⌉), chained
/// as workers hash their cache, so requests that share a prefix share leading hashes.
/// </summary>
internal static class ReplayHashes
{
    public static ulong[] Of(IReadOnlyList<int> tokenIds, int blockSize)
    {
        var tokens = tokenIds as int[] ?? [.. tokenIds];
        var full = KvBlockHasher.HashBlocks(tokens, blockSize);
        var hashes = new ulong[(tokens.Length + blockSize - 1) / blockSize];
        for (var i = 0; i < full.Length; i++)
            hashes[i] = full[i].SequenceHash;
        if (hashes.Length > full.Length)
        {
            var local = KvBlockHasher.LocalHash(tokens.AsSpan(full.Length * blockSize));
            hashes[^1] = full.Length == 0 ? local : KvBlockHasher.SequenceHash(full[^1].SequenceHash, local);
        }
        return hashes;
    }
}
