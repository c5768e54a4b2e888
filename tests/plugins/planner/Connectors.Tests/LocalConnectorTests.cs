using System.Diagnostics;
using Dynamo.Abstractions.Planner;
using Dynamo.Planner.Connectors.Local;
using Microsoft.Extensions.Time.Testing;

namespace Dynamo.Planner.Connectors.Tests;

/// <summary>
/// The local connector running real processes: a shell script (fake-worker.sh) stands in for <c>dynamo worker</c>,
/// recording its command line, the SIGTERM it gets and its exit. The drain timeout runs on a fake clock.
/// </summary>
public sealed class LocalConnectorTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly string _folder = Directory.CreateTempSubdirectory("dynamo-local-").FullName;
    private readonly FakeTimeProvider _clock = new();

    private IPlannerConnector Connector(string mode = "graceful", Dictionary<string, string?>? more = null)
    {
        var options = new Dictionary<string, string?>
        {
            ["Name"] = "local",
            ["Executable"] = "/bin/sh",
            ["ExecutableArguments:0"] = Path.Combine(AppContext.BaseDirectory, "fake-worker.sh"),
            ["ExecutableArguments:1"] = _folder,
            ["ExecutableArguments:2"] = mode,
            ["ConfigFile"] = "/etc/dynamo/appsettings.json",
            ["Model"] = "agent",
            ["DrainTimeoutSeconds"] = "30",
        };
        foreach (var (key, value) in more ?? [])
            options[key] = value;
        return Connectors.Create(new LocalConnectorFactory(), options, _clock, host: new Dictionary<string, string?> { ["Dynamo:Nats:Url"] = "nats://127.0.0.1:4333" });
    }

    [SkippableFact]
    public async Task Scaling_up_starts_dynamo_worker_processes_with_each_pool_s_role_and_a_unique_id()
    {
        Skip.If(OperatingSystem.IsWindows(), "the fake worker is a POSIX shell script");
        await using var connector = Connector(more: new() { ["Pools:decode:Model"] = "agent-decode" });

        await connector.SetReplicasAsync("aggregated", 3, default);
        await connector.SetReplicasAsync("prefill", 1, default);
        await connector.SetReplicasAsync("decode", 2, default);

        Assert.Equal(3, await connector.GetReplicasAsync("aggregated", default));
        Assert.Equal(1, await connector.GetReplicasAsync("prefill", default));
        Assert.Equal(2, await connector.GetReplicasAsync("decode", default));
        var started = await WaitForAsync(6, "started");
        var pid = Environment.ProcessId;
        var commands = started.Values.Select(line => line[(line.IndexOf(' ') + 1)..]).Order().ToList();
        Assert.Equal(
        [
            $"worker --config /etc/dynamo/appsettings.json --nats nats://127.0.0.1:4333 --model agent --worker-id agent-aggregated-{pid}-1 --role both",
            $"worker --config /etc/dynamo/appsettings.json --nats nats://127.0.0.1:4333 --model agent --worker-id agent-aggregated-{pid}-2 --role both",
            $"worker --config /etc/dynamo/appsettings.json --nats nats://127.0.0.1:4333 --model agent --worker-id agent-aggregated-{pid}-3 --role both",
            $"worker --config /etc/dynamo/appsettings.json --nats nats://127.0.0.1:4333 --model agent --worker-id agent-prefill-{pid}-4 --role prefill",
            $"worker --config /etc/dynamo/appsettings.json --nats nats://127.0.0.1:4333 --model agent-decode --worker-id agent-decode-decode-{pid}-5 --role decode",
            $"worker --config /etc/dynamo/appsettings.json --nats nats://127.0.0.1:4333 --model agent-decode --worker-id agent-decode-decode-{pid}-6 --role decode",
        ], commands);
    }

    [SkippableFact]
    public async Task Scaling_down_drains_the_newest_workers_with_SIGTERM_and_waits_for_them_to_exit()
    {
        Skip.If(OperatingSystem.IsWindows(), "the fake worker is a POSIX shell script");
        await using var connector = Connector();
        await connector.SetReplicasAsync("aggregated", 3, default);
        var started = await WaitForAsync(3, "started");
        var pid = Environment.ProcessId;

        var watch = Stopwatch.StartNew();
        await connector.SetReplicasAsync("aggregated", 1, default);

        // The two newest got SIGTERM, took their drain (0.3 s in the script) and exited by themselves: the fake clock never
        // moved, so no deadline cut them short, and the call returned only once they had gone.
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(0.25), $"returned after {watch.Elapsed.TotalMilliseconds} ms, before the drain");
        foreach (var n in new[] { 2, 3 })
        {
            var id = $"agent-aggregated-{pid}-{n}";
            Assert.True(File.Exists(Path.Combine(_folder, id + ".term")), $"{id} got SIGTERM");
            Assert.True(File.Exists(Path.Combine(_folder, id + ".exited")), $"{id} exited by itself after draining");
            Assert.False(Running(started[id]), $"{id} is gone");
        }
        var first = $"agent-aggregated-{pid}-1";
        Assert.False(File.Exists(Path.Combine(_folder, first + ".term")));
        Assert.True(Running(started[first]));
        Assert.Equal(1, await connector.GetReplicasAsync("aggregated", default));
    }

    [SkippableFact]
    public async Task A_worker_still_running_at_the_drain_timeout_is_killed()
    {
        Skip.If(OperatingSystem.IsWindows(), "the fake worker is a POSIX shell script");
        await using var connector = Connector("stubborn");
        await connector.SetReplicasAsync("aggregated", 1, default);
        var started = (await WaitForAsync(1, "started")).Single();

        var scaling = connector.SetReplicasAsync("aggregated", 0, default).AsTask();
        await WaitForAsync(1, "term");
        await Task.Delay(200);
        Assert.False(scaling.IsCompleted, "it waits for the drain");
        Assert.True(Running(started.Value));

        var deadline = Stopwatch.StartNew();
        while (!scaling.IsCompleted && deadline.Elapsed < Patience)
        {
            _clock.Advance(TimeSpan.FromSeconds(30));
            await Task.WhenAny(scaling, Task.Delay(50));
        }
        await scaling;
        Assert.False(Running(started.Value));
        Assert.False(File.Exists(Path.Combine(_folder, started.Key + ".exited")));
        Assert.Equal(0, await connector.GetReplicasAsync("aggregated", default));
    }

    [SkippableFact]
    public async Task A_worker_that_exits_by_itself_is_no_longer_counted()
    {
        Skip.If(OperatingSystem.IsWindows(), "the fake worker is a POSIX shell script");
        await using var connector = Connector("crash");
        await connector.SetReplicasAsync("prefill", 2, default);
        await WaitForAsync(2, "started");

        var deadline = Stopwatch.StartNew();
        while (await connector.GetReplicasAsync("prefill", default) > 0 && deadline.Elapsed < Patience)
            await Task.Delay(50);

        Assert.Equal(0, await connector.GetReplicasAsync("prefill", default));
        // Asking for 2 again replaces them: 2 new processes, with new ids.
        await connector.SetReplicasAsync("prefill", 2, default);
        var started = await WaitForAsync(4, "started");
        Assert.Equal(4, started.Keys.Distinct().Count());
    }

    [SkippableFact]
    public async Task Disposing_drains_every_worker()
    {
        Skip.If(OperatingSystem.IsWindows(), "the fake worker is a POSIX shell script");
        var connector = Connector();
        await connector.SetReplicasAsync("prefill", 1, default);
        await connector.SetReplicasAsync("decode", 2, default);
        var started = await WaitForAsync(3, "started");

        await connector.DisposeAsync();

        foreach (var (id, line) in started)
        {
            Assert.True(File.Exists(Path.Combine(_folder, id + ".exited")), $"{id} drained");
            Assert.False(Running(line));
        }
        await Assert.ThrowsAsync<ObjectDisposedException>(() => connector.SetReplicasAsync("decode", 1, default).AsTask());
    }

    [Fact]
    public async Task Only_the_planner_s_pools_are_known()
    {
        await using var connector = Connector();

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => connector.SetReplicasAsync("embeddings", 1, default).AsTask());
        Assert.Contains("aggregated, prefill, decode", ex.Message);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => connector.SetReplicasAsync("decode", -1, default).AsTask());
        Assert.Empty(Directory.GetFiles(_folder));
    }

    [Fact]
    public async Task A_program_that_cannot_start_is_a_clear_exception()
    {
        await using var connector = Connector(more: new() { ["Executable"] = Path.Combine(_folder, "no-such-dynamo") });

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => connector.SetReplicasAsync("aggregated", 1, default).AsTask());

        Assert.Contains($"Could not start worker agent-aggregated-{Environment.ProcessId}-1", ex.Message);
        Assert.Contains("no-such-dynamo", ex.Message);
        Assert.Equal(0, await connector.GetReplicasAsync("aggregated", default));
    }

    [Fact]
    public void By_default_a_worker_runs_on_the_planner_s_own_program()
    {
        var (executable, arguments) = WorkerCommandLine.CurrentProgram();

        Assert.Equal(Environment.ProcessPath, executable);
        if (Path.GetFileNameWithoutExtension(executable) == "dotnet")
            Assert.Equal([System.Reflection.Assembly.GetEntryAssembly()!.Location], arguments);
        else
            Assert.Empty(arguments);
    }

    /// <summary>Waits until <paramref name="count"/> workers wrote their <paramref name="kind"/> file; their contents by worker id.</summary>
    private async Task<Dictionary<string, string>> WaitForAsync(int count, string kind)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var files = Directory.GetFiles(_folder, "*." + kind)
                .Select(f => (Id: Path.GetFileNameWithoutExtension(f), Text: File.ReadAllText(f).Trim()))
                .Where(f => f.Text.Length > 0)
                .ToList();
            if (files.Count >= count)
                return files.ToDictionary(f => f.Id, f => f.Text);
            Assert.True(deadline.Elapsed < Patience, $"{files.Count} of {count} workers wrote their {kind} file");
            await Task.Delay(20);
        }
    }

    /// <summary>Whether the process whose line (its pid first) this is still runs.</summary>
    private static bool Running(string line)
    {
        var pid = int.Parse(line.Split(' ')[0]);
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
