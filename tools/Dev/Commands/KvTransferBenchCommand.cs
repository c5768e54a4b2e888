using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Dynamo.Abstractions.KvCache;
using Dynamo.Distributed.DataPlane;
using Dynamo.Runtime.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dynamo.Dev.Commands;

/// <summary>
/// <c>dynamo-dev bench kv-transfer</c>: a child process (this tool with <c>--serve</c>) plays the
/// prefill worker and stages N blocks on its KV data plane; this process pulls them, keeping each
/// block and transient (each read in place), then reads the same bytes from the child over a plain
/// TCP socket into one reused buffer. Prints the throughputs and their ratios to the raw copy.
/// </summary>
internal static class KvTransferBenchCommand
{
    private const string Usage = "usage: dynamo-dev bench kv-transfer [--blocks 256] [--block-bytes 1048576] [--repeat 9] [--json]";

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var blocks = Arguments.Int(args, "--blocks", 256);
        var blockBytes = Arguments.Int(args, "--block-bytes", 1 << 20);
        var repeat = Arguments.Int(args, "--repeat", 9);
        if (blocks < 1 || blockBytes < 1 || repeat < 1 || (long)blocks * blockBytes > 8L << 30)
            throw new DynamoConfigurationException($"--blocks, --block-bytes and --repeat must be positive, at most 8 GiB in all. {Usage}");
        return args.Contains("--serve")
            ? await ServeAsync(blocks, blockBytes, repeat, output)
            : await MeasureAsync(blocks, blockBytes, repeat, args.Contains("--json"), output);
    }

    /// <summary>The child: stages two transfers per run (kept and transient; one run more to warm up), prints the handles and the raw port, serves until stdin closes.</summary>
    private static async Task<int> ServeAsync(int count, int blockBytes, int repeat, TextWriter output)
    {
        var random = new Random(1);
        var blocks = new List<KvBlockPayload>(count);
        for (var i = 0; i < count; i++)
        {
            var data = GC.AllocateUninitializedArray<byte>(blockBytes);
            random.NextBytes(data);
            blocks.Add(new KvBlockPayload(new KvBlockHash((ulong)random.NextInt64(), (ulong)random.NextInt64()), i == 0 ? null : (ulong)i, Enumerable.Range(i * 16, 16).ToArray(), data));
        }
        await using var server = new KvDataPlaneServer(new KvDataPlaneOptions { BindHost = "127.0.0.1" }, NullLogger.Instance, TimeProvider.System);
        using var raw = new TcpListener(IPAddress.Loopback, 0);
        raw.Start();
        using var stop = new CancellationTokenSource();
        var serving = ServeRawAsync(raw, blocks, stop.Token);
        for (var run = 0; run < 2 * (repeat + 1); run++)
        {
            var handle = server.Stage(blocks, TimeSpan.FromMinutes(30));
            output.WriteLine($"handle {handle.Address} {handle.TransferId} {handle.Blocks} {handle.Bytes}");
        }
        output.WriteLine($"raw {((IPEndPoint)raw.LocalEndpoint).Port}");
        output.Flush();
        await Console.In.ReadToEndAsync();
        await stop.CancelAsync();
        raw.Stop();
        await serving.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return 0;
    }

    /// <summary>The baseline: every block's data written to the socket from where it lies, nothing else.</summary>
    private static async Task ServeRawAsync(TcpListener listener, List<KvBlockPayload> blocks, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            using var socket = await listener.AcceptSocketAsync(stopping);
            socket.NoDelay = true;
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            foreach (var block in blocks)
                await stream.WriteAsync(block.Data, stopping);
            socket.Shutdown(SocketShutdown.Send);
        }
    }

    private static async Task<int> MeasureAsync(int blocks, int blockBytes, int repeat, bool json, TextWriter output)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in (string[])[typeof(KvTransferBenchCommand).Assembly.Location, "bench", "kv-transfer", "--serve",
                     "--blocks", $"{blocks}", "--block-bytes", $"{blockBytes}", "--repeat", $"{repeat}"])
            info.ArgumentList.Add(argument);
        using var child = Process.Start(info) ?? throw new InvalidOperationException("Could not start the prefill-side process.");
        try
        {
            var handles = new List<KvTransferHandle>();
            var rawPort = 0;
            while (rawPort == 0)
            {
                var line = await child.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(2))
                    ?? throw new InvalidOperationException($"The prefill-side process exited (code {(child.HasExited ? child.ExitCode : -1)}) before it was ready.");
                var parts = line.Split(' ');
                if (parts[0] == "handle")
                    handles.Add(new KvTransferHandle(parts[1], parts[2], int.Parse(parts[3], System.Globalization.CultureInfo.InvariantCulture), long.Parse(parts[4], System.Globalization.CultureInfo.InvariantCulture)));
                else if (parts[0] == "raw")
                    rawPort = Arguments.Int(parts[1], "raw port");
            }
            var options = new KvDataPlaneOptions();
            var client = new KvDataPlaneClient(options);
            var readBuffer = new byte[options.BufferBytes];
            var expected = (long)blocks * blockBytes;
            var (kept, transient, plain) = (new List<double>(), new List<double>(), new List<double>());
            // Run 0 warms every path up (JIT, socket buffers) and is not counted; then they alternate, so drift hits all alike.
            for (var run = 0; run <= repeat; run++)
            {
                var keptSeconds = await PullAsync(client.PullAsync(handles[2 * run]), expected);
                var transientSeconds = await PullAsync(client.PullTransientAsync(handles[2 * run + 1]), expected);
                var rawSeconds = await RawAsync(rawPort, readBuffer, expected);
                if (run > 0)
                    (kept, transient, plain) = ([.. kept, expected / keptSeconds / 1e9], [.. transient, expected / transientSeconds / 1e9], [.. plain, expected / rawSeconds / 1e9]);
            }
            var (keptGbs, transientGbs, rawGbs) = (Median(kept), Median(transient), Median(plain));
            if (json)
                output.WriteLine(System.Text.Json.JsonSerializer.Serialize(new KvTransferBenchResult(blocks, blockBytes, repeat, Math.Round(keptGbs, 2), Math.Round(transientGbs, 2),
                    Math.Round(rawGbs, 2), Math.Round(keptGbs / rawGbs, 3), Math.Round(transientGbs / rawGbs, 3)), DevJson.Default.KvTransferBenchResult));
            else
            {
                output.WriteLine($"dynamo-dev bench kv-transfer: {blocks} blocks × {blockBytes} bytes ({expected / (1 << 20)} MiB) from a child process over loopback TCP, " +
                    $"{Environment.ProcessorCount} cores, median of {repeat}");
                output.WriteLine($"data plane, blocks kept       {keptGbs,6:F2} GB/s  {keptGbs / rawGbs,5:F2} of raw  (a fresh array per block: PullAsync)");
                output.WriteLine($"data plane, blocks transient  {transientGbs,6:F2} GB/s  {transientGbs / rawGbs,5:F2} of raw  (one reused buffer: PullTransientAsync)");
                output.WriteLine($"raw socket copy               {rawGbs,6:F2} GB/s            (the same bytes into one reused buffer, unframed, unchecked)");
                output.WriteLine("target: data plane >= 0.8 of raw");
            }
            return 0;
        }
        finally
        {
            child.StandardInput.Close();
            if (!child.WaitForExit(TimeSpan.FromSeconds(10)))
                child.Kill(entireProcessTree: true);
        }
    }

    private static async Task<double> PullAsync(IAsyncEnumerable<KvBlockPayload> pull, long expected)
    {
        var clock = Stopwatch.StartNew();
        var bytes = 0L;
        await foreach (var block in pull)
            bytes += block.Data.Length;
        var seconds = clock.Elapsed.TotalSeconds;
        return bytes == expected ? seconds : throw new InvalidOperationException($"The data plane delivered {bytes} bytes of {expected}.");
    }

    private static async Task<double> RawAsync(int port, byte[] buffer, long expected)
    {
        var clock = Stopwatch.StartNew();
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, port);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var bytes = 0L;
        for (int read; (read = await stream.ReadAsync(buffer)) > 0;)
            bytes += read;
        var seconds = clock.Elapsed.TotalSeconds;
        return bytes == expected ? seconds : throw new InvalidOperationException($"The raw socket delivered {bytes} bytes of {expected}.");
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
