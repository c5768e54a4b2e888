using System.IO.Hashing;
using System.Text;
using Dynamo.Abstractions.KvCache;

namespace Dynamo.Distributed.DataPlane;

/// <summary>
/// Writes a transfer's frames through one fixed buffer: frame and block headers, checksums and
/// blocks that fit gather there; data larger than the room left goes to the socket from where it
/// lies. Every write awaits the socket, so a slow reader slows the sender and nothing queues.
/// </summary>
internal sealed class KvFrameWriter(Stream stream, byte[] buffer)
{
    private readonly XxHash3 _hash = new();
    private int _used;

    public async ValueTask WriteBlockAsync(KvBlockPayload block, CancellationToken cancellationToken)
    {
        var headerSize = KvBlockSerializer.HeaderSize(block);
        if (KvFrame.HeaderBytes + headerSize > buffer.Length)
        {
            // Thousands of token ids in one block: not worth a path of its own.
            var bytes = KvBlockSerializer.Serialize(block);
            await WriteBlockAsync(bytes, XxHash3.HashToUInt64(bytes), cancellationToken);
            return;
        }
        if (KvFrame.HeaderBytes + headerSize > buffer.Length - _used)
            await FlushAsync(cancellationToken);
        var span = buffer.AsSpan(_used, KvFrame.HeaderBytes + headerSize);
        KvFrame.WriteHeader(span, KvFrame.Block, headerSize + block.Data.Length);
        KvBlockSerializer.WriteHeader(block, span[KvFrame.HeaderBytes..]);
        _used += span.Length;
        _hash.Reset();
        _hash.Append(span[KvFrame.HeaderBytes..]);
        _hash.Append(block.Data.Span);
        await WriteAsync(block.Data, cancellationToken);
        await WriteChecksumAsync(_hash.GetCurrentHashAsUInt64(), cancellationToken);
    }

    /// <summary>A block already serialized, with the checksum to send (the tests' tamper hook sends a wrong one).</summary>
    public async ValueTask WriteBlockAsync(byte[] body, ulong checksum, CancellationToken cancellationToken)
    {
        await ReserveAsync(KvFrame.HeaderBytes, cancellationToken);
        KvFrame.WriteHeader(buffer.AsSpan(_used), KvFrame.Block, body.Length);
        _used += KvFrame.HeaderBytes;
        await WriteAsync(body, cancellationToken);
        await WriteChecksumAsync(checksum, cancellationToken);
    }

    public async ValueTask WriteEndAsync(int blocks, CancellationToken cancellationToken)
    {
        await ReserveAsync(KvFrame.HeaderBytes, cancellationToken);
        KvFrame.WriteHeader(buffer.AsSpan(_used), KvFrame.End, blocks);
        _used += KvFrame.HeaderBytes;
        await FlushAsync(cancellationToken);
    }

    public async ValueTask WriteErrorAsync(string message, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(message.Length > KvFrame.MaxErrorBytes / 4 ? message[..(KvFrame.MaxErrorBytes / 4)] : message);
        await ReserveAsync(KvFrame.HeaderBytes, cancellationToken);
        KvFrame.WriteHeader(buffer.AsSpan(_used), KvFrame.Error, bytes.Length);
        _used += KvFrame.HeaderBytes;
        await WriteAsync(bytes, cancellationToken);
        await FlushAsync(cancellationToken);
    }

    private async ValueTask WriteChecksumAsync(ulong checksum, CancellationToken cancellationToken)
    {
        await ReserveAsync(KvFrame.ChecksumBytes, cancellationToken);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(buffer.AsSpan(_used), checksum);
        _used += KvFrame.ChecksumBytes;
    }

    private async ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        if (bytes.Length <= buffer.Length - _used)
        {
            bytes.Span.CopyTo(buffer.AsSpan(_used));
            _used += bytes.Length;
            return;
        }
        await FlushAsync(cancellationToken);
        if (bytes.Length < buffer.Length)
        {
            bytes.Span.CopyTo(buffer);
            _used = bytes.Length;
        }
        else
        {
            await stream.WriteAsync(bytes, cancellationToken);
        }
    }

    private ValueTask ReserveAsync(int count, CancellationToken cancellationToken) =>
        count <= buffer.Length - _used ? ValueTask.CompletedTask : FlushAsync(cancellationToken);

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_used == 0)
            return;
        await stream.WriteAsync(buffer.AsMemory(0, _used), cancellationToken);
        _used = 0;
    }
}
