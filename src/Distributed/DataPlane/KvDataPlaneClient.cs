using System.Globalization;
using System.IO.Hashing;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using Dynamo.Abstractions.KvCache;
using Microsoft.Extensions.Options;

namespace Dynamo.Distributed.DataPlane;

/// <summary>
/// The decode side of the KV data plane: pulls a staged transfer from the prefill worker's
/// <see cref="KvDataPlaneServer"/>, checking every block's checksum before it is yielded. Anything
/// short of every block intact throws <see cref="KvTransferException"/> (the caller prefills
/// locally instead); cancellation throws <see cref="OperationCanceledException"/> and closes the connection.
/// </summary>
internal sealed class KvDataPlaneClient
{
    private readonly KvDataPlaneOptions _options;
    private readonly TimeProvider _clock;

    public KvDataPlaneClient(KvDataPlaneOptions options, TimeProvider? clock = null)
    {
        if (new KvDataPlaneOptionsValidator().Validate(null, options) is { Failed: true } invalid)
            throw new OptionsValidationException(KvDataPlaneOptions.Section, typeof(KvDataPlaneOptions), invalid.Failures);
        (_options, _clock) = (options, clock ?? TimeProvider.System);
    }

    /// <summary>The transfer's blocks in order, each the caller's to keep.</summary>
    public IAsyncEnumerable<KvBlockPayload> PullAsync(KvTransferHandle handle, CancellationToken cancellationToken = default) =>
        PullCoreAsync(handle, transient: false, cancellationToken);

    /// <summary>
    /// The transfer's blocks in order, each one's <see cref="KvBlockPayload.Data"/> valid only until the next
    /// is asked for or the pull ends: one buffer serves every block. For a caller that copies each block
    /// into its own KV memory as it arrives, this spares the fresh memory (page faults, GC) a kept block costs.
    /// </summary>
    public IAsyncEnumerable<KvBlockPayload> PullTransientAsync(KvTransferHandle handle, CancellationToken cancellationToken = default) =>
        PullCoreAsync(handle, transient: true, cancellationToken);

    private async IAsyncEnumerable<KvBlockPayload> PullCoreAsync(KvTransferHandle handle, bool transient, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = KvFrame.Request(handle.TransferId);
        using var socket = await ConnectAsync(handle, cancellationToken);
        // Leaving (done, failed, cancelled or abandoned) disposes the reader, closing the socket at once:
        // that is what tells the server to stop sending and free the transfer.
        using var reader = new KvFrameReader(socket, _options.BufferBytes);
        for (var index = 0; ; index++)
        {
            var block = await ReadBlockAsync(reader, index == 0 ? request : null, handle, index, transient, cancellationToken);
            if (block is null)
                yield break;
            yield return block;
        }
    }

    /// <returns>Block <paramref name="index"/>, or null after the last.</returns>
    private static async ValueTask<KvBlockPayload?> ReadBlockAsync(KvFrameReader reader, byte[]? request, KvTransferHandle handle, int index, bool transient, CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (request is not null)
                await reader.Stream.WriteAsync(request, cancellationToken);
            var (type, value) = await reader.ReadHeaderAsync(cancellationToken);
            switch (type)
            {
                case KvFrame.Block:
                    if (value < KvBlockSerializer.MinSize || (handle.Bytes > 0 && value > handle.Bytes))
                        throw Broken(handle, index, $"a block frame of {value} bytes");
                    // Uninitialised: every byte is read into it; the block's data stays a slice of it.
                    var body = (transient ? reader.ReusedBody(value) : GC.AllocateUninitializedArray<byte>(value)).AsMemory(0, value);
                    await reader.ReadExactlyAsync(body, cancellationToken);
                    var checksum = await reader.ReadChecksumAsync(cancellationToken);
                    if (XxHash3.HashToUInt64(body.Span) != checksum)
                        throw new KvTransferException($"KV block {index} of transfer '{handle.TransferId}' from {handle.Address} failed its XXH3 checksum: the block is corrupt.");
                    try
                    {
                        return KvBlockSerializer.Deserialize(body);
                    }
                    catch (FormatException ex)
                    {
                        throw Broken(handle, index, ex.Message);
                    }
                case KvFrame.End:
                    return value == index && (handle.Blocks < 0 || index == handle.Blocks) ? null
                        : throw Broken(handle, index, $"an end after {value} blocks when {handle.Blocks} were staged and {index} came");
                case KvFrame.Error when value is >= 0 and <= KvFrame.MaxErrorBytes:
                    var message = new byte[value];
                    await reader.ReadExactlyAsync(message, cancellationToken);
                    throw new KvTransferException(Encoding.UTF8.GetString(message));
                default:
                    throw Broken(handle, index, $"frame type {type}");
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or EndOfStreamException or ObjectDisposedException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw new KvTransferException($"Lost the connection to {handle.Address} after {index} of {handle.Blocks} blocks of KV transfer '{handle.TransferId}': {ex.Message}", ex);
        }
    }

    private static KvTransferException Broken(KvTransferHandle handle, int index, string what) =>
        new($"KV transfer '{handle.TransferId}' from {handle.Address} broke the protocol at block {index}: {what}.");

    private async Task<Socket> ConnectAsync(KvTransferHandle handle, CancellationToken cancellationToken)
    {
        var (host, port) = Endpoint(handle);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = new CancellationTokenSource(_options.ConnectTimeout, _clock);
        using var connecting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await socket.ConnectAsync(host, port, connecting.Token);
            return socket;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new KvTransferException($"Could not connect to {handle.Address} within {_options.ConnectTimeoutMs} ms to pull KV transfer '{handle.TransferId}'.");
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new KvTransferException($"Could not connect to {handle.Address} to pull KV transfer '{handle.TransferId}': {ex.Message}", ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary><c>host:port</c>, or <c>[v6 address]:port</c>.</summary>
    private static (string Host, int Port) Endpoint(KvTransferHandle handle)
    {
        var colon = handle.Address.LastIndexOf(':');
        return colon > 0 && int.TryParse(handle.Address.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
            ? (handle.Address[..colon].Trim('[', ']'), port)
            : throw new KvTransferException($"KV transfer '{handle.TransferId}' has no data plane address (host:port): '{handle.Address}'.");
    }
}
