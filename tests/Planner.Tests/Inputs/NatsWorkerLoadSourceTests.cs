using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Dynamo.Abstractions.Engines;
using Dynamo.Distributed;
using Dynamo.Planner.Inputs;
using Dynamo.Runtime.Configuration;
using Dynamo.Runtime.Workers;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Dynamo.Planner.Tests.Inputs;

/// <summary>The workers' load as a real nats-server carries it: the registry bucket says who and in which role, the load subject what.</summary>
public sealed class NatsWorkerLoadSourceTests
{
    private static readonly string? NatsServer = new[] { "/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server" }.FirstOrDefault(File.Exists);

    [SkippableFact]
    public async Task Registered_workers_are_seen_in_their_pool_with_the_load_they_publish()
    {
        Skip.If(NatsServer is null, "nats-server is not installed (scripts/nats.sh install)");
        await using var server = await NatsServerProcess.StartAsync(NatsServer!);
        var nats = new NatsOptions { Url = server.Url, LeaseTtlMs = 5000 };
        await using var source = new NatsWorkerLoadSource(Options.Create(nats), Options.Create(new PlannerOptions { Mode = PlannerMode.Load }), TimeProvider.System, NullLogger<NatsWorkerLoadSource>.Instance);
        await source.StartAsync(CancellationToken.None);

        await using var connection = await NatsConnector.ConnectAsync(nats, "planner-test");
        var registry = await NatsConnector.RegistryAsync(connection, nats, CancellationToken.None);
        var descriptor = new EngineDescriptor(16, 200, 4096, 32);
        await registry.PutAsync("d1", WireJson.Write(WorkerRegistration.Of("m", "d1", descriptor, WorkerRole.Decode)));
        await registry.PutAsync("p1", WireJson.Write(WorkerRegistration.Of("m", "p1", descriptor, WorkerRole.Prefill)));
        var seen = await Eventually(() => source.Snapshot(), s => s.Count == 2);
        Assert.Equal([("d1", PlannerPools.Decode, 200), ("p1", PlannerPools.Prefill, 200)],
            seen.OrderBy(w => w.WorkerId).Select(w => (w.WorkerId, w.Pool, w.KvCapacityBlocks)));

        var load = new EngineLoad(2, 3, 40, 500);
        seen = await Eventually(async () =>
        {
            await connection.PublishAsync(NatsSubjects.Load("d1"), WireJson.Write(load));
            return source.Snapshot();
        }, s => s.Single(w => w.WorkerId == "d1").Load == load);

        await registry.DeleteAsync("d1");
        await Eventually(() => source.Snapshot(), s => s.Select(w => w.WorkerId).SequenceEqual(["p1"]));
    }

    [Fact]
    public async Task A_NATS_it_cannot_reach_stops_the_load_modes_but_not_the_throughput_mode()
    {
        var nats = Options.Create(new NatsOptions { Url = $"nats://127.0.0.1:{FreePort()}" });
        NatsWorkerLoadSource Source(PlannerMode mode) => new(nats, Options.Create(new PlannerOptions { Mode = mode }), TimeProvider.System, NullLogger<NatsWorkerLoadSource>.Instance);

        await using var load = Source(PlannerMode.Load);
        await Assert.ThrowsAsync<DynamoConfigurationException>(() => load.StartAsync(CancellationToken.None));

        await using var throughput = Source(PlannerMode.Throughput);
        await throughput.StartAsync(CancellationToken.None);
        Assert.Empty(throughput.Snapshot());
    }

    private static Task<T> Eventually<T>(Func<T> read, Func<T, bool> done) => Eventually(() => Task.FromResult(read()), done);

    private static async Task<T> Eventually<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var value = await read();
            if (done(value))
                return value;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Still {value} after 20 s.");
            await Task.Delay(50);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A nats-server with JetStream on a free loopback port, for one test.</summary>
    private sealed class NatsServerProcess(Process process, string storeDir, int port) : IAsyncDisposable
    {
        public string Url => $"nats://127.0.0.1:{port}";

        public static async Task<NatsServerProcess> StartAsync(string executable)
        {
            var port = FreePort();
            var storeDir = Directory.CreateTempSubdirectory("dynamo-planner-nats-").FullName;
            var info = new ProcessStartInfo(executable) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var argument in new[] { "-a", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-js", "-sd", storeDir })
                info.ArgumentList.Add(argument);
            var process = Process.Start(info)!;
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (true)
            {
                try
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync(IPAddress.Loopback, port);
                    return new NatsServerProcess(process, storeDir, port);
                }
                catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
                {
                    await Task.Delay(50);
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            process.Kill();
            await process.WaitForExitAsync();
            process.Dispose();
            Directory.Delete(storeDir, recursive: true);
        }
    }
}
