using System.IO.Hashing;
using Dynamo.Abstractions.KvCache;

namespace Dynamo.Kv.Disk;

/// <summary>
/// One offloaded block as a file: magic <c>DKVB</c>, version, hashes, parent, priority, token ids,
/// the K/V bytes, then an XXH64 checksum of everything before it, so a truncated or corrupt file is
/// recognised and never served. Integers little-endian (BinaryWriter's).
/// </summary>
internal static class KvBlockFile
{
    private const uint Magic = 0x42564B44; // "DKVB"
    private const ushort Version = 1;

    public static byte[] Write(KvBlockPayload block)
    {
        using var stream = new MemoryStream(64 + 4 * block.TokenIds.Count + block.Data.Length);
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(Version);
            writer.Write(block.Hash.SequenceHash);
            writer.Write(block.Hash.LocalHash);
            writer.Write(block.ParentSequenceHash is not null);
            writer.Write(block.ParentSequenceHash ?? 0);
            writer.Write(block.Priority);
            writer.Write(block.TokenIds.Count);
            foreach (var token in block.TokenIds)
                writer.Write(token);
            writer.Write(block.Data.Length);
            writer.Write(block.Data.Span);
            writer.Write(XxHash64.HashToUInt64(stream.GetBuffer().AsSpan(0, (int)stream.Position)));
        }
        return stream.ToArray();
    }

    /// <returns>The block, or null when the bytes are not a whole, intact block file.</returns>
    public static KvBlockPayload? Read(byte[] bytes)
    {
        if (bytes.Length < 8 || XxHash64.HashToUInt64(bytes.AsSpan(0, bytes.Length - 8)) != BitConverter.ToUInt64(bytes, bytes.Length - 8))
            return null;
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes, 0, bytes.Length - 8));
            if (reader.ReadUInt32() != Magic || reader.ReadUInt16() != Version)
                return null;
            var (sequence, local) = (reader.ReadUInt64(), reader.ReadUInt64());
            var hasParent = reader.ReadBoolean();
            var parent = reader.ReadUInt64();
            var priority = reader.ReadInt32();
            var tokens = new int[reader.ReadInt32()];
            for (var i = 0; i < tokens.Length; i++)
                tokens[i] = reader.ReadInt32();
            var data = reader.ReadBytes(reader.ReadInt32());
            return new KvBlockPayload(new KvBlockHash(local, sequence), hasParent ? parent : null, tokens, data, priority);
        }
        catch (Exception ex) when (ex is EndOfStreamException or OverflowException or OutOfMemoryException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }
}
