using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Dynamo.Abstractions.KvCache;
using Dynamo.Distributed.DataPlane;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dynamo.Distributed.Tests.DataPlane;

/// <summary>The KV data plane over real loopback TCP: blocks arrive whole and in order, or not at all, and nothing stays staged.</summary>
public sealed class KvDataPlaneTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static KvDataPlaneOptions Loopback(int bufferBytes = 64 * 1024) => new() { BindHost = "127.0.0.1", BufferBytes = bufferBytes, ConnectTimeoutMs = 2_000 };

    private static KvDataPlaneServer Server(TimeProvider? clock = null, int bufferBytes = 64 * 1024) =>
        new(Loopback(bufferBytes), NullLogger.Instance, clock ?? TimeProvider.System);

    private static KvDataPlaneClient Client() => new(Loopback());

    /// <summary>A chain of blocks with random token counts and data sizes (some far larger than the buffers, some empty).</summary>
    private static List<KvBlockPayload> Blocks(int seed, int count, int maxBytes)
    {
        var random = new Random(seed);
        var blocks = new List<KvBlockPayload>(count);
        ulong? parent = null;
        for (var i = 0; i < count; i++)
        {
            var data = new byte[i % 17 == 5 ? 0 : random.Next(1, maxBytes)];
            random.NextBytes(data);
            var tokens = Enumerable.Range(0, random.Next(0, 65)).Select(_ => random.Next(-1, int.MaxValue)).ToArray();
            var hash = new KvBlockHash((ulong)random.NextInt64() | 1UL << 63, (ulong)random.NextInt64());
            blocks.Add(new KvBlockPayload(hash, parent, tokens, data, random.Next(-5, 20)));
            parent = hash.SequenceHash;
        }
        return blocks;
    }

    private static void AssertSame(IReadOnlyList<KvBlockPayload> expected, IReadOnlyList<KvBlockPayload> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Hash, actual[i].Hash);
            Assert.Equal(expected[i].ParentSequenceHash, actual[i].ParentSequenceHash);
            Assert.Equal(expected[i].TokenIds, actual[i].TokenIds);
            Assert.Equal(expected[i].Priority, actual[i].Priority);
            Assert.True(expected[i].Data.Span.SequenceEqual(actual[i].Data.Span), $"block {i}'s data differs");
        }
    }

    private static async Task<List<KvBlockPayload>> PullAllAsync(KvDataPlaneClient client, KvTransferHandle handle, CancellationToken cancellationToken = default)
    {
        var blocks = new List<KvBlockPayload>();
        await foreach (var block in client.PullAsync(handle, cancellationToken))
            blocks.Add(block);
        return blocks;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < Patience, $"Still waiting after {Patience.TotalSeconds} s: {what}");
            await Task.Delay(10);
        }
    }

    [Fact]
    public void A_block_serializes_to_little_endian_bytes_and_back_and_bad_bytes_are_refused()
    {
        var block = new KvBlockPayload(new KvBlockHash(ulong.MaxValue, 0x0102030405060708), 42, [1, -1, int.MaxValue], new byte[] { 9, 8, 7 }, -3);

        var bytes = KvBlockSerializer.Serialize(block);
        var back = KvBlockSerializer.Deserialize(bytes);

        Assert.Equal(KvBlockSerializer.MinSize + 3 * 4 + 3, bytes.Length);
        Assert.Equal(0xFF, bytes[0]);
        Assert.Equal(0x08, bytes[8]); // the sequence hash's low byte first
        AssertSame([block], [back]);
        Assert.Null(KvBlockSerializer.Deserialize(KvBlockSerializer.Serialize(block with { ParentSequenceHash = null })).ParentSequenceHash);
        Assert.Throws<FormatException>(() => KvBlockSerializer.Deserialize(bytes.AsMemory(0, bytes.Length - 1)));
        Assert.Throws<FormatException>(() => KvBlockSerializer.Deserialize(bytes.AsMemory(0, 10)));
    }

    [Fact]
    public async Task Many_blocks_of_random_sizes_arrive_identical_and_in_order_and_are_then_freed()
    {
        await using var server = Server(bufferBytes: 16 * 1024);
        var blocks = Blocks(seed: 1, count: 300, maxBytes: 100 * 1024);

        var handle = server.Stage(blocks, TimeSpan.FromMinutes(1));
        Assert.Equal((1, blocks.Sum(b => (long)KvBlockSerializer.SizeOf(b))), (server.StagedTransfers, server.StagedBytes));
        Assert.Equal((server.Address, 300, server.StagedBytes), (handle.Address, handle.Blocks, handle.Bytes));
        Assert.StartsWith("127.0.0.1:", handle.Address);

        AssertSame(blocks, await PullAllAsync(Client(), handle));
        await WaitUntilAsync(() => server.StagedTransfers == 0 && server.StagedBytes == 0, "the sent transfer is freed");
        // Pulled once: a second pull finds nothing.
        var again = await Assert.ThrowsAsync<KvTransferException>(() => PullAllAsync(Client(), handle));
        Assert.Contains(handle.TransferId, again.Message);
    }

    [Fact]
    public async Task A_transient_pull_delivers_the_same_blocks_to_a_caller_that_copies_each_as_it_arrives()
    {
        await using var server = Server();
        var blocks = Blocks(seed: 11, count: 120, maxBytes: 300 * 1024);
        var copies = new List<KvBlockPayload>();

        await foreach (var block in Client().PullTransientAsync(server.Stage(blocks, TimeSpan.FromMinutes(1))))
            copies.Add(block with { Data = block.Data.ToArray() });

        AssertSame(blocks, copies);
        await WaitUntilAsync(() => server.StagedTransfers == 0, "the sent transfer is freed");
    }

    [Fact]
    public async Task An_empty_transfer_is_just_its_end()
    {
        await using var server = Server();
        Assert.Empty(await PullAllAsync(Client(), server.Stage([], TimeSpan.FromMinutes(1))));
        await WaitUntilAsync(() => server.StagedTransfers == 0, "the empty transfer is freed");
    }

    [Fact]
    public async Task A_corrupted_block_throws_naming_its_index_and_is_never_yielded()
    {
        await using var server = Server();
        server.Tamper = (index, bytes) =>
        {
            if (index == 5)
                bytes[^1] ^= 0x40;
            return bytes;
        };
        var blocks = Blocks(seed: 2, count: 12, maxBytes: 200 * 1024);
        var received = new List<KvBlockPayload>();

        var error = await Assert.ThrowsAsync<KvTransferException>(async () =>
        {
            await foreach (var block in Client().PullAsync(server.Stage(blocks, TimeSpan.FromMinutes(1)), CancellationToken.None))
                received.Add(block);
        });

        Assert.Contains("block 5", error.Message);
        Assert.Contains("checksum", error.Message);
        AssertSame(blocks.Take(5).ToList(), received);
        await WaitUntilAsync(() => server.StagedTransfers == 0, "the abandoned transfer is freed");
    }

    [Fact]
    public async Task Cancelling_a_pull_mid_transfer_ends_it_promptly_and_frees_the_staged_blocks()
    {
        await using var server = Server();
        using var stalled = new ManualResetEventSlim();
        using var released = new ManualResetEventSlim();
        // The prefill side stalls before block 3, so the client is waiting on the socket when cancelled.
        server.Tamper = (index, bytes) =>
        {
            if (index == 3)
            {
                stalled.Set();
                released.Wait(Patience);
            }
            return bytes;
        };
        var blocks = Blocks(seed: 3, count: 64, maxBytes: 1 << 20);
        var handle = server.Stage(blocks, TimeSpan.FromMinutes(1));
        using var cancel = new CancellationTokenSource();
        var received = 0;

        var pulling = Task.Run(async () =>
        {
            await foreach (var _ in Client().PullAsync(handle, cancel.Token))
                received++;
        });
        Assert.True(stalled.Wait(Patience));
        await WaitUntilAsync(() => Volatile.Read(ref received) == 3, "the client reads the three blocks sent and waits for the fourth");
        var clock = Stopwatch.StartNew();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pulling.WaitAsync(Patience));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"the pull took {clock.Elapsed.TotalMilliseconds} ms to stop");
        Assert.Equal(3, received);
        Assert.Equal(1, server.StagedTransfers); // still held: the server has not noticed yet
        released.Set();
        await WaitUntilAsync(() => server.StagedTransfers == 0 && server.StagedBytes == 0, "the cancelled transfer is freed");
    }

    [Fact]
    public async Task A_transfer_cancelled_on_the_server_mid_way_throws_a_transfer_error_on_the_client()
    {
        await using var server = Server();
        using var stalled = new ManualResetEventSlim();
        using var released = new ManualResetEventSlim();
        server.Tamper = (index, bytes) =>
        {
            if (index == 2)
            {
                stalled.Set();
                released.Wait(Patience);
            }
            return bytes;
        };
        var handle = server.Stage(Blocks(seed: 4, count: 40, maxBytes: 1 << 20), TimeSpan.FromMinutes(1));
        var received = 0;

        var pulling = Task.Run(async () =>
        {
            await foreach (var _ in Client().PullAsync(handle, CancellationToken.None))
                received++;
        });
        Assert.True(stalled.Wait(Patience));
        Assert.True(server.Cancel(handle.TransferId));
        Assert.Equal(0, server.StagedTransfers);
        released.Set();

        var error = await Assert.ThrowsAsync<KvTransferException>(() => pulling.WaitAsync(Patience));
        Assert.Contains("Lost the connection", error.Message);
        Assert.Contains(handle.TransferId, error.Message);
        Assert.Equal(2, received);
        Assert.False(server.Cancel(handle.TransferId));
    }

    [Fact]
    public async Task Staged_blocks_are_freed_when_their_ttl_ends()
    {
        var clock = new ManualClock();
        await using var server = Server(clock);
        var handle = server.Stage(Blocks(seed: 5, count: 4, maxBytes: 1000), TimeSpan.FromSeconds(10));
        var kept = server.Stage(Blocks(seed: 6, count: 4, maxBytes: 1000), TimeSpan.FromSeconds(30));

        clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(2, server.StagedTransfers);
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(1, server.StagedTransfers);
        Assert.Equal(kept.Bytes, server.StagedBytes);

        var error = await Assert.ThrowsAsync<KvTransferException>(() => PullAllAsync(Client(), handle));
        Assert.Contains(handle.TransferId, error.Message);
        Assert.Equal(4, (await PullAllAsync(Client(), kept)).Count);
    }

    [Fact]
    public async Task An_expired_transfer_is_refused_and_freed_when_pulled_even_before_its_timer_fires()
    {
        var clock = new ManualClock { TimersPaused = true };
        await using var server = Server(clock);
        var handle = server.Stage(Blocks(seed: 7, count: 2, maxBytes: 1000), TimeSpan.FromSeconds(10));

        clock.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal(1, server.StagedTransfers);
        var error = await Assert.ThrowsAsync<KvTransferException>(() => PullAllAsync(Client(), handle));

        Assert.Contains($"'{handle.TransferId}' expired", error.Message);
        Assert.Equal((0, 0L), (server.StagedTransfers, server.StagedBytes));
    }

    [Fact]
    public async Task An_unknown_transfer_id_gets_a_clear_error_naming_it()
    {
        await using var server = Server();
        var handle = new KvTransferHandle(server.Address, "no-such-transfer", 3, 1000);

        var error = await Assert.ThrowsAsync<KvTransferException>(() => PullAllAsync(Client(), handle));

        Assert.Contains("'no-such-transfer' is unknown", error.Message);
    }

    [Fact]
    public async Task Nothing_listening_or_a_bad_address_is_a_transfer_error()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var refused = await Assert.ThrowsAsync<KvTransferException>(() => PullAllAsync(Client(), new KvTransferHandle($"127.0.0.1:{port}", "t1", 1, 10)));
        var malformed = await Assert.ThrowsAsync<KvTransferException>(() => PullAllAsync(Client(), new KvTransferHandle("nowhere", "t2", 1, 10)));

        Assert.Contains("'t1'", refused.Message);
        Assert.Contains("'t2'", malformed.Message);
    }

    [Fact]
    public async Task Two_concurrent_pulls_of_different_transfers_each_get_their_own_blocks()
    {
        await using var server = Server();
        var first = Blocks(seed: 8, count: 80, maxBytes: 256 * 1024);
        var second = Blocks(seed: 9, count: 60, maxBytes: 256 * 1024);
        var (firstHandle, secondHandle) = (server.Stage(first, TimeSpan.FromMinutes(1)), server.Stage(second, TimeSpan.FromMinutes(1)));
        var client = Client();

        var pulled = await Task.WhenAll(Task.Run(() => PullAllAsync(client, firstHandle)), Task.Run(() => PullAllAsync(client, secondHandle))).WaitAsync(Patience);

        AssertSame(first, pulled[0]);
        AssertSame(second, pulled[1]);
        await WaitUntilAsync(() => server.StagedTransfers == 0, "both transfers are freed");
    }

    [Fact]
    public async Task A_transfer_is_sent_to_one_client_only()
    {
        await using var server = Server();
        using var stalled = new ManualResetEventSlim();
        using var released = new ManualResetEventSlim();
        server.Tamper = (index, bytes) =>
        {
            if (index == 1)
            {
                stalled.Set();
                released.Wait(Patience);
            }
            return bytes;
        };
        var blocks = Blocks(seed: 10, count: 4, maxBytes: 1000);
        var handle = server.Stage(blocks, TimeSpan.FromMinutes(1));

        var pulling = Task.Run(() => PullAllAsync(Client(), handle));
        Assert.True(stalled.Wait(Patience));
        var second = await Assert.ThrowsAsync<KvTransferException>(() => PullAllAsync(Client(), handle));
        released.Set();

        Assert.Contains("already being pulled", second.Message);
        AssertSame(blocks, await pulling.WaitAsync(Patience));
    }

    [Fact]
    public void Options_are_checked_naming_the_key()
    {
        var result = new KvDataPlaneOptionsValidator().Validate(null, new KvDataPlaneOptions { Port = 70_000, BufferBytes = 10, StageTtlMs = 0, BindHost = "" });

        Assert.True(result.Failed);
        foreach (var key in new[] { "Port", "BufferBytes", "StageTtlMs", "BindHost" })
            Assert.Contains($"'{KvDataPlaneOptions.Section}:{key}'", result.FailureMessage);
        Assert.True(new KvDataPlaneOptionsValidator().Validate(null, new KvDataPlaneOptions()).Succeeded);
    }
}
