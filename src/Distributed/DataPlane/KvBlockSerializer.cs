using System.Buffers.Binary;
using Dynamo.Abstractions.KvCache;

namespace Dynamo.Distributed.DataPlane;

/// <summary>
/// A <see cref="KvBlockPayload"/> as bytes, little-endian: local hash, sequence hash (u64 each), a
/// parent flag (u8) and parent sequence hash (u64, 0 when none), priority, token count and the token
/// ids (i32 each), then the data's length (i32) and the data. Everything before the data is the
/// block's header, so a sender can write the data from where it lies.
/// </summary>
internal static class KvBlockSerializer
{
    /// <summary>The header of a block with no tokens.</summary>
    public const int MinSize = 8 + 8 + 1 + 8 + 4 + 4 + 4;

    public static int HeaderSize(KvBlockPayload block) => MinSize + 4 * block.TokenIds.Count;

    public static int SizeOf(KvBlockPayload block) => HeaderSize(block) + block.Data.Length;

    /// <summary>Writes the header (<see cref="HeaderSize"/> bytes) into <paramref name="destination"/>.</summary>
    public static void WriteHeader(KvBlockPayload block, Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination, block.Hash.LocalHash);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], block.Hash.SequenceHash);
        destination[16] = block.ParentSequenceHash is null ? (byte)0 : (byte)1;
        BinaryPrimitives.WriteUInt64LittleEndian(destination[17..], block.ParentSequenceHash ?? 0);
        BinaryPrimitives.WriteInt32LittleEndian(destination[25..], block.Priority);
        var tokens = block.TokenIds;
        BinaryPrimitives.WriteInt32LittleEndian(destination[29..], tokens.Count);
        var at = 33;
        for (var i = 0; i < tokens.Count; i++, at += 4)
            BinaryPrimitives.WriteInt32LittleEndian(destination[at..], tokens[i]);
        BinaryPrimitives.WriteInt32LittleEndian(destination[at..], block.Data.Length);
    }

    public static byte[] Serialize(KvBlockPayload block)
    {
        var bytes = new byte[SizeOf(block)];
        WriteHeader(block, bytes);
        block.Data.Span.CopyTo(bytes.AsSpan(HeaderSize(block)));
        return bytes;
    }

    /// <summary>The block in <paramref name="bytes"/>; its data is a slice of them, not a copy.</summary>
    /// <exception cref="FormatException">The bytes are not exactly one block.</exception>
    public static KvBlockPayload Deserialize(ReadOnlyMemory<byte> bytes)
    {
        var span = bytes.Span;
        if (span.Length < MinSize)
            throw new FormatException($"A KV block is at least {MinSize} bytes, got {span.Length}.");
        var local = BinaryPrimitives.ReadUInt64LittleEndian(span);
        var sequence = BinaryPrimitives.ReadUInt64LittleEndian(span[8..]);
        var hasParent = span[16] switch
        {
            0 => false,
            1 => true,
            var flag => throw new FormatException($"A KV block's parent flag is 0 or 1, got {flag}."),
        };
        var parent = BinaryPrimitives.ReadUInt64LittleEndian(span[17..]);
        var priority = BinaryPrimitives.ReadInt32LittleEndian(span[25..]);
        var count = BinaryPrimitives.ReadInt32LittleEndian(span[29..]);
        if (count < 0 || count > (span.Length - MinSize) / 4)
            throw new FormatException($"A KV block of {span.Length} bytes cannot hold {count} token ids.");
        var tokens = new int[count];
        var at = 33;
        for (var i = 0; i < count; i++, at += 4)
            tokens[i] = BinaryPrimitives.ReadInt32LittleEndian(span[at..]);
        var length = BinaryPrimitives.ReadInt32LittleEndian(span[at..]);
        at += 4;
        if (length != span.Length - at)
            throw new FormatException($"A KV block's data is {length} bytes but {span.Length - at} follow its header.");
        return new KvBlockPayload(new KvBlockHash(local, sequence), hasParent ? parent : null, tokens, bytes[at..], priority);
    }
}
