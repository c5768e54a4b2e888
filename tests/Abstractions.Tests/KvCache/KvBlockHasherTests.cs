using System.IO.Hashing;
using Dynamo.Abstractions.KvCache;

namespace Dynamo.Abstractions.Tests.KvCache;

/// <summary>
/// The expected values were derived once, independently of this code, with the reference C
/// xxHash library (through the npm package @node-rs/xxhash, <c>xxh3.xxh64(bytes, 1337n)</c>):
/// token ids written as little-endian u32 for a block's local hash, and the previous sequence
/// hash and the local hash as two little-endian u64 for a sequence hash. The first block's
/// sequence hash is its local hash (Dynamo's scheme).
/// </summary>
public sealed class KvBlockHasherTests
{
    [Fact]
    public void Xxh3OfEmptyInputWithSeedZeroIsThePublishedValue() =>
        Assert.Equal(0x2D06800538D394C2UL, XxHash3.HashToUInt64([], 0));

    [Fact]
    public void HashesChainBlocksAsDynamoDoes()
    {
        int[] tokens = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]; // three full blocks of 4 and a partial one

        var hashes = KvBlockHasher.HashBlocks(tokens, blockSize: 4);

        Assert.Equal(
            [
                new KvBlockHash(0xCB38E4D7FB2DCA5C, 0xCB38E4D7FB2DCA5C),
                new KvBlockHash(0xE8D3EC39B907B74C, 0x44A2B2379D6D3C3D),
                new KvBlockHash(0x06B748F1777D599C, 0xAEA1E67A6C80CF84),
            ],
            hashes);
    }

    [Fact]
    public void LocalHashCoversEveryIdAsUnsigned32Bits()
    {
        Assert.Equal(0xFA9449F328B726AFUL, KvBlockHasher.LocalHash("Hello, Dynamo!!!"u8.ToArray().Select(b => (int)b).ToArray()));
        Assert.Equal(0xE2968350867335CEUL, KvBlockHasher.LocalHash([0, 151643, int.MaxValue, 128000]));
    }

    [Fact]
    public void ContinuingFromAParentGivesTheSameChainAsHashingAllAtOnce()
    {
        var random = new Random(7);
        var tokens = Enumerable.Range(0, 100).Select(_ => random.Next(0, 200_000)).ToArray();

        var whole = KvBlockHasher.HashBlocks(tokens, 16);
        var head = KvBlockHasher.HashBlocks(tokens.AsSpan(0, 48), 16);
        var tail = KvBlockHasher.HashBlocks(tokens.AsSpan(48), 16, head[^1].SequenceHash);

        Assert.Equal(6, whole.Length);
        Assert.Equal(whole, head.Concat(tail).ToArray());
    }

    [Fact]
    public void SamePrefixSameHashesDifferentPrefixDifferentHashes()
    {
        int[] a = [5, 6, 7, 8, 1, 2, 3, 4];
        int[] b = [9, 9, 9, 9, 1, 2, 3, 4];

        var ha = KvBlockHasher.HashBlocks(a, 4);
        var hb = KvBlockHasher.HashBlocks(b, 4);

        Assert.Equal(ha[1].LocalHash, hb[1].LocalHash); // same tokens in the block…
        Assert.NotEqual(ha[1].SequenceHash, hb[1].SequenceHash); // …but a different history
    }

    [Fact]
    public void PartialBlocksAreNotHashedAndBadBlockSizesAreRefused()
    {
        Assert.Empty(KvBlockHasher.HashBlocks([1, 2, 3], 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => KvBlockHasher.HashBlocks([1, 2, 3], 0));
    }
}
