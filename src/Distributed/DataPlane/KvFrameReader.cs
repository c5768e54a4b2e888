using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;

namespace Dynamo.Distributed.DataPlane;

/// <summary>
/// The client's side of a connection: reads frames through one fixed buffer (pooled). Small fields
/// come from it; a block larger than it is read from the socket straight into the block's own
/// array. An end of stream mid-frame throws <see cref="EndOfStreamException"/>. Disposing closes the socket.
/// </summary>
internal sealed class KvFrameReader : IDisposable
{
    private const int HeaderReadBytes = 4096;

    private readonly Socket _socket;
    private readonly byte[] _buffer;
    private byte[]? _body;
    private int _start;
    private int _end;

    public KvFrameReader(Socket socket, int bufferBytes)
    {
        _socket = socket;
        Stream = new NetworkStream(socket, ownsSocket: true);
        _buffer = ArrayPool<byte>.Shared.Rent(bufferBytes);
    }

    public NetworkStream Stream { get; }

    /// <summary>The next frame's type and value (a block's length, the end's block count, an error's length).</summary>
    public async ValueTask<(byte Type, int Value)> ReadHeaderAsync(CancellationToken cancellationToken)
    {
        // With the buffer empty (after a block read straight into its array), read little: a whole buffer
        // would take in the next block's start only to copy it out again.
        await FillAsync(KvFrame.HeaderBytes, cancellationToken, _start == _end ? HeaderReadBytes : int.MaxValue);
        var header = (_buffer[_start], BinaryPrimitives.ReadInt32LittleEndian(_buffer.AsSpan(_start + 1)));
        _start += KvFrame.HeaderBytes;
        return header;
    }

    public async ValueTask<ulong> ReadChecksumAsync(CancellationToken cancellationToken)
    {
        await FillAsync(KvFrame.ChecksumBytes, cancellationToken);
        var checksum = BinaryPrimitives.ReadUInt64LittleEndian(_buffer.AsSpan(_start));
        _start += KvFrame.ChecksumBytes;
        return checksum;
    }

    /// <summary>The one array a transient pull reads every block into (pooled, grown to the largest block).</summary>
    public byte[] ReusedBody(int length)
    {
        if (_body is null || _body.Length < length)
        {
            if (_body is not null)
                ArrayPool<byte>.Shared.Return(_body);
            _body = ArrayPool<byte>.Shared.Rent(length);
        }
        return _body;
    }

    public async ValueTask ReadExactlyAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        while (!destination.IsEmpty)
        {
            if (_start < _end)
            {
                var take = Math.Min(_end - _start, destination.Length);
                _buffer.AsSpan(_start, take).CopyTo(destination.Span);
                _start += take;
                destination = destination[take..];
            }
            else if (destination.Length >= _buffer.Length)
            {
                var read = await Stream.ReadAsync(destination, cancellationToken);
                destination = destination[(read > 0 ? read : throw new EndOfStreamException())..];
            }
            else
            {
                await FillAsync(1, cancellationToken);
            }
        }
    }

    /// <summary>Makes at least <paramref name="count"/> bytes wait in the buffer.</summary>
    private async ValueTask FillAsync(int count, CancellationToken cancellationToken, int most = int.MaxValue)
    {
        if (_end - _start >= count)
            return;
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            (_start, _end) = (0, _end - _start);
        }
        while (_end < count)
        {
            var read = await Stream.ReadAsync(_buffer.AsMemory(_end, Math.Min(_buffer.Length - _end, most)), cancellationToken);
            _end += read > 0 ? read : throw new EndOfStreamException();
        }
    }

    public void Dispose()
    {
        // The socket first: no read is left writing into the buffers handed back below.
        Stream.Dispose();
        _socket.Dispose();
        ArrayPool<byte>.Shared.Return(_buffer);
        if (_body is not null)
            ArrayPool<byte>.Shared.Return(_body);
    }
}
