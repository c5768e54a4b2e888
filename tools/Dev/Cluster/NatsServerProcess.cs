using Dynamo.Runtime.Configuration;

namespace Dynamo.Dev.Cluster;

/// <summary>A real nats-server with JetStream on a free loopback port, stopped and wiped on dispose.</summary>
internal sealed class NatsServerProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;
    private readonly string _storeDir;

    public string Url { get; }

    private NatsServerProcess(ChildProcess process, string storeDir, int port) =>
        (_process, _storeDir, Url) = (process, storeDir, $"nats://127.0.0.1:{port}");

    public static async Task<NatsServerProcess> StartAsync()
    {
        var executable = new[] { "/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server" }.FirstOrDefault(File.Exists)
            ?? throw new DynamoConfigurationException("nats-server is not installed; the distributed runtime needs it: run scripts/nats.sh install.");
        var port = FreePort.Next();
        var storeDir = Directory.CreateTempSubdirectory("dynamo-nats-").FullName;
        var process = ChildProcess.Start(executable, ["-a", "127.0.0.1", "-p", port.ToString(), "-js", "-sd", storeDir]);
        await FreePort.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(10), () => process.Output);
        return new NatsServerProcess(process, storeDir, port);
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        Directory.Delete(_storeDir, recursive: true);
    }
}
