using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.IO.Hashing;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Dynamo.Abstractions.KvCache;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dynamo.Distributed.DataPlane;

/// <summary>
/// The prefill side of the KV data plane: holds staged blocks and streams each transfer to the one
/// client that asks for it over TCP (NATS carries only the handle). A transfer is freed once sent,
/// when its client goes away mid-way, when cancelled, or when its TTL ends, whichever comes first.
/// </summary>
internal sealed class KvDataPlaneServer : IAsyncDisposable
{
    private readonly KvDataPlaneOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    private readonly TcpListener _listener;
    private readonly ConcurrentDictionary<string, StagedTransfer> _transfers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, Task> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _accepting;
    private long _connectionCount;
    private int _stagedTransfers;
    private long _stagedBytes;
    private int _disposed;

    public KvDataPlaneServer(KvDataPlaneOptions options, ILogger logger, TimeProvider clock)
    {
        if (new KvDataPlaneOptionsValidator().Validate(null, options) is { Failed: true } invalid)
            throw new OptionsValidationException(KvDataPlaneOptions.Section, typeof(KvDataPlaneOptions), invalid.Failures);
        (_options, _logger, _clock) = (options, logger, clock);
        var bind = BindAddress(options.BindHost);
        _listener = new TcpListener(bind, options.Port);
        if (bind.Equals(IPAddress.IPv6Any))
            _listener.Server.DualMode = true;
        _listener.Start();
        var port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        var host = options.AdvertiseHost ?? (IPAddress.IsLoopback(bind) ? bind.ToString() : Dns.GetHostName());
        Address = host.Contains(':') ? $"[{host}]:{port}" : $"{host}:{port}";
        _accepting = AcceptAsync();
        _logger.LogInformation("KV data plane listening on {Bind}:{Port}, advertised as {Address}", bind, port, Address);
    }

    /// <summary>What handles carry: <c>host:port</c>.</summary>
    public string Address { get; }

    public int StagedTransfers => Volatile.Read(ref _stagedTransfers);

    /// <summary>The staged blocks' serialized size.</summary>
    public long StagedBytes => Interlocked.Read(ref _stagedBytes);

    /// <summary>Tests: replaces block N's bytes on the wire (its checksum stays that of the true bytes).</summary>
    internal Func<int, byte[], byte[]>? Tamper { get; set; }

    public KvTransferHandle Stage(IReadOnlyList<KvBlockPayload> blocks) => Stage(blocks, _options.StageTtl);

    /// <summary>Holds <paramref name="blocks"/> (unchanged until freed) for one client to pull within <paramref name="ttl"/>.</summary>
    public KvTransferHandle Stage(IReadOnlyList<KvBlockPayload> blocks, TimeSpan ttl)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var bytes = 0L;
        for (var i = 0; i < blocks.Count; i++)
            bytes += KvBlockSerializer.SizeOf(blocks[i]);
        var transfer = new StagedTransfer(Guid.NewGuid().ToString("N"), blocks, bytes, _clock.GetUtcNow() + ttl);
        Interlocked.Increment(ref _stagedTransfers);
        Interlocked.Add(ref _stagedBytes, bytes);
        _transfers[transfer.Id] = transfer;
        // Added first, so a timer that fires at once finds it to remove.
        transfer.Expiry = _clock.CreateTimer(_ => Free(transfer, "expired"), null, ttl, Timeout.InfiniteTimeSpan);
        return new KvTransferHandle(Address, transfer.Id, blocks.Count, bytes);
    }

    /// <summary>Frees a transfer, stopping its send if one is in progress; false when there was none.</summary>
    public bool Cancel(string transferId)
    {
        if (!_transfers.TryGetValue(transferId, out var transfer))
            return false;
        Free(transfer, "cancelled");
        return true;
    }

    private void Free(StagedTransfer transfer, string why)
    {
        if (!transfer.TryFree())
            return;
        _transfers.TryRemove(new KeyValuePair<string, StagedTransfer>(transfer.Id, transfer));
        Interlocked.Decrement(ref _stagedTransfers);
        Interlocked.Add(ref _stagedBytes, -transfer.Bytes);
        _logger.LogDebug("KV transfer {TransferId} freed: {Why}", transfer.Id, why);
    }

    private async Task AcceptAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stopping.Token);
            }
            catch (Exception ex) when (_stopping.IsCancellationRequested && ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                _logger.LogWarning("KV data plane could not accept a connection: {Error}", ex.Message);
                continue;
            }
            var id = Interlocked.Increment(ref _connectionCount);
            // On the pool, not inline: with the request already there and a socket that takes every write
            // at once, ServeAsync would send a whole transfer before this loop accepted the next client.
            var connection = Task.Run(() => ServeAsync(socket));
            _connections[id] = connection;
            _ = connection.ContinueWith(_ => _connections.TryRemove(id, out Task? _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        StagedTransfer? transfer = null;
        var outcome = "sent";
        var buffer = ArrayPool<byte>.Shared.Rent(_options.BufferBytes);
        try
        {
            socket.NoDelay = true;
            await using var stream = new NetworkStream(socket, ownsSocket: true);
            var id = await ReadRequestAsync(stream, buffer);
            var writer = new KvFrameWriter(stream, buffer);
            (transfer, var problem) = Claim(id);
            if (transfer is null)
            {
                await writer.WriteErrorAsync(problem!, _stopping.Token);
                return;
            }
            using var sending = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, transfer.Aborted);
            var blocks = transfer.Blocks;
            var (started, sent) = (_clock.GetTimestamp(), 0L);
            for (var i = 0; i < blocks.Count; i++)
            {
                if (_options.MaxBytesPerSecond > 0)
                {
                    // Ahead of the allowed rate: wait until the bytes sent so far are due.
                    await writer.FlushAsync(sending.Token);
                    var due = TimeSpan.FromSeconds((double)sent / _options.MaxBytesPerSecond) - _clock.GetElapsedTime(started);
                    if (due > TimeSpan.Zero)
                        await Task.Delay(due, _clock, sending.Token);
                    sent += blocks[i].Data.Length;
                }
                if (Tamper is { } tamper)
                {
                    // Flushed first, so what the hook does (tests stall it) happens after the client has every earlier block.
                    await writer.FlushAsync(sending.Token);
                    var bytes = KvBlockSerializer.Serialize(blocks[i]);
                    var checksum = XxHash3.HashToUInt64(bytes);
                    await writer.WriteBlockAsync(tamper(i, bytes), checksum, sending.Token);
                }
                else
                {
                    await writer.WriteBlockAsync(blocks[i], sending.Token);
                }
            }
            await writer.WriteEndAsync(blocks.Count, sending.Token);
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or InvalidDataException)
        {
            // The client went away or cancelled, the transfer was cancelled or expired, or the server stops.
            outcome = $"stopped mid-way ({ex.GetType().Name}: {ex.Message})";
        }
        catch (Exception ex)
        {
            outcome = "failed";
            _logger.LogError(ex, "KV transfer {TransferId} failed", transfer?.Id);
        }
        finally
        {
            socket.Dispose();
            if (transfer is not null)
                Free(transfer, outcome);
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <returns>The transfer, now this connection's; or null and the error frame's message.</returns>
    private (StagedTransfer? Transfer, string? Problem) Claim(string id)
    {
        if (!_transfers.TryGetValue(id, out var transfer))
            return (null, $"KV transfer '{id}' is unknown at {Address}: never staged here, already pulled, cancelled or expired.");
        if (_clock.GetUtcNow() >= transfer.ExpiresAt)
        {
            Free(transfer, "expired");
            return (null, $"KV transfer '{id}' expired at {Address} before it was pulled.");
        }
        return transfer.TryClaim() ? (transfer, null)
            : (null, transfer.IsFreed ? $"KV transfer '{id}' was freed at {Address} before it was pulled." : $"KV transfer '{id}' is already being pulled from {Address}.");
    }

    /// <summary>The client's request: the transfer id, within the connect timeout (a silent client holds no connection).</summary>
    private async Task<string> ReadRequestAsync(NetworkStream stream, byte[] buffer)
    {
        using var timeout = new CancellationTokenSource(_options.ConnectTimeout, _clock);
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, timeout.Token);
        await stream.ReadExactlyAsync(buffer.AsMemory(0, KvFrame.RequestHeaderBytes), reading.Token);
        if (BinaryPrimitives.ReadUInt32LittleEndian(buffer) != KvFrame.Magic || buffer[4] != KvFrame.Version)
            throw new InvalidDataException("Not a KV data plane request (wrong magic or version).");
        var length = buffer[5];
        await stream.ReadExactlyAsync(buffer.AsMemory(0, length), reading.Token);
        return Encoding.UTF8.GetString(buffer, 0, length);
    }

    private static IPAddress BindAddress(string host) =>
        IPAddress.TryParse(host, out var address) ? address
        : Dns.GetHostAddresses(host).OrderBy(a => a.AddressFamily != AddressFamily.InterNetwork).FirstOrDefault()
            ?? throw new OptionsValidationException(KvDataPlaneOptions.Section, typeof(KvDataPlaneOptions), [$"'{KvDataPlaneOptions.Section}:BindHost' '{host}' resolves to no address."]);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _stopping.Cancel();
        _listener.Stop();
        await _accepting;
        await Task.WhenAll(_connections.Values).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        foreach (var transfer in _transfers.Values)
            Free(transfer, "the data plane stopped");
        _stopping.Dispose();
    }
}
