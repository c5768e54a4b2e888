using System.Buffers.Binary;
using System.Text;

namespace Dynamo.Distributed.DataPlane;

/// <summary>
/// The data plane's wire format. The client opens with a request: magic <c>DKVP</c>, version, the
/// transfer id's length (u8) and the id (UTF-8). The server answers with frames, each a type byte
/// and a little-endian i32: a block frame (the i32 is the serialized block's length, the block
/// follows, then its XXH3-64 as u64) per block in order, then an end frame (the i32 is the block
/// count); or a single error frame (the i32 is the length of the UTF-8 message that follows).
/// </summary>
internal static class KvFrame
{
    public const uint Magic = 0x50564B44; // "DKVP"
    public const byte Version = 1;

    public const byte Block = 1;
    public const byte End = 2;
    public const byte Error = 3;

    public const int HeaderBytes = 5;
    public const int ChecksumBytes = 8;

    /// <summary>Magic, version and id length: what precedes the id in a request.</summary>
    public const int RequestHeaderBytes = 6;

    public const int MaxIdBytes = byte.MaxValue;

    public const int MaxErrorBytes = 64 * 1024;

    public static void WriteHeader(Span<byte> destination, byte type, int value)
    {
        destination[0] = type;
        BinaryPrimitives.WriteInt32LittleEndian(destination[1..], value);
    }

    public static byte[] Request(string transferId)
    {
        var idBytes = Encoding.UTF8.GetByteCount(transferId);
        if (idBytes is 0 or > MaxIdBytes)
            throw new KvTransferException($"A transfer id is 1 to {MaxIdBytes} UTF-8 bytes, got '{transferId}'.");
        var request = new byte[RequestHeaderBytes + idBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(request, Magic);
        request[4] = Version;
        request[5] = (byte)idBytes;
        Encoding.UTF8.GetBytes(transferId, request.AsSpan(RequestHeaderBytes));
        return request;
    }
}
