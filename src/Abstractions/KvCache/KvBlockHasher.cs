using System.Buffers.Binary;
using System.IO.Hashing;

namespace Dynamo.Abstractions.KvCache;

/// <summary>
/// The one block-hashing scheme every engine and router uses (Dynamo's): only full blocks of
/// <c>blockSize</c> tokens are hashed; a block's local hash is XXH3-64 (seed 1337) over its token
/// ids as little-endian u32; the first block's sequence hash is its local hash, and each later
/// one is XXH3-64 (seed 1337) over the previous sequence hash and its local hash as two
/// little-endian u64s.
/// </summary>
public static class KvBlockHasher
{
    public const long Seed = 1337;

    public static ulong LocalHash(ReadOnlySpan<int> blockTokens)
    {
        Span<byte> bytes = blockTokens.Length <= 256 ? stackalloc byte[blockTokens.Length * 4] : new byte[blockTokens.Length * 4];
        for (var i = 0; i < blockTokens.Length; i++)
            BinaryPrimitives.WriteUInt32LittleEndian(bytes[(i * 4)..], (uint)blockTokens[i]);
        return XxHash3.HashToUInt64(bytes, Seed);
    }

    public static ulong SequenceHash(ulong parentSequenceHash, ulong localHash)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, parentSequenceHash);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[8..], localHash);
        return XxHash3.HashToUInt64(bytes, Seed);
    }

    /// <summary>Hashes every full block of <paramref name="tokens"/>; a trailing partial block is ignored.</summary>
    /// <param name="parentSequenceHash">The sequence hash of the block before <paramref name="tokens"/>, if any.</param>
    public static KvBlockHash[] HashBlocks(ReadOnlySpan<int> tokens, int blockSize, ulong? parentSequenceHash = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        var hashes = new KvBlockHash[tokens.Length / blockSize];
        var parent = parentSequenceHash;
        for (var b = 0; b < hashes.Length; b++)
        {
            var local = LocalHash(tokens.Slice(b * blockSize, blockSize));
            var sequence = parent is { } p ? SequenceHash(p, local) : local;
            hashes[b] = new KvBlockHash(local, sequence);
            parent = sequence;
        }
        return hashes;
    }
}
