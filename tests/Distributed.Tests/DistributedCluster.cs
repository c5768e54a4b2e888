using System.Net.Http.Json;
using System.Text.Json;
using Dynamo.Dev.Cluster;
using Dynamo.Testing;

namespace Dynamo.Distributed.Tests;

/// <summary>
/// A real nats-server and a <c>dynamo frontend</c> process; tests add <c>dynamo worker</c>
/// processes for their own model, so one test's kills do not touch another's workers.
/// </summary>
public sealed class DistributedCluster : IAsyncLifetime
{
    public const int LeaseTtlMs = 3000;

    private readonly List<ChildProcess> _processes = [];
    private NatsServerProcess? _nats;
    private ChildProcess? _frontend;
    private string? _configFile;

    public string NatsUrl => _nats!.Url;

    public HttpClient Client { get; private set; } = null!;

    /// <summary>The frontend's request trace (request_end records), for tests that ask which workers served a request.</summary>
    public string TracePath { get; } = Path.Combine(Path.GetTempPath(), $"dynamo-cluster-trace-{Guid.NewGuid():N}.jsonl");

    public static object Mocker(double itlMs, int outputTokens = 8) =>
        new { Name = "mocker", DecodeItlMs = itlMs, PrefillTokensPerSecond = 200_000, KvBlockSize = 16, KvCapacityBlocks = 1024, MaxContextLength = 8192, OutputTokens = outputTokens };

    public async Task InitializeAsync()
    {
        _nats = await NatsServerProcess.StartAsync();
        _configFile = DynamoServer.WriteConfig(new
        {
            Dynamo = new
            {
                Nats = new { LeaseTtlMs, KeepAliveIntervalMs = 250, StreamIdleTimeoutMs = 3000, LoadIntervalMs = 50, RouterReplicaSync = true, DataPlaneAddress = "127.0.0.1:0" },
                KvDataPlane = new { BindHost = "127.0.0.1" },
                RequestTrace = new { Enabled = true, Records = new[] { "request_end" }, FileFormat = "jsonl", FilePath = TracePath },
                Models = new[]
                {
                    TestConfigs.Model("kv", Mocker(2), new { Router = new { Name = "kv", Seed = 7 } }),
                    TestConfigs.Model("rr", Mocker(2), new { Router = "round-robin" }),
                    TestConfigs.Model("migrate", Mocker(20), new { Router = "round-robin" }),
                    TestConfigs.Model("lease", Mocker(2), new { Router = "round-robin" }),
                    TestConfigs.Model("cancel", Mocker(20), new { Router = "round-robin" }),
                    TestConfigs.Model("finish", Mocker(20), new { Router = "round-robin" }),
                    TestConfigs.Model("handover", Mocker(20), new { Router = "round-robin" }),
                    TestConfigs.Model("nobody", Mocker(2)),
                    TestConfigs.Model("system", Mocker(2), new { Router = "round-robin" }),
                    TestConfigs.Model("late", Mocker(2), new { Router = new { Name = "kv", Seed = 7 } }),
                    TestConfigs.Model("pair", Mocker(100, outputTokens: 40), new { Router = new { Name = "kv", Seed = 7 } }),
                    TestConfigs.Stories("stories"),
                    TestConfigs.Stories("stories-disagg", new { MaxLocalPrefillLength = 16 }),
                    TestConfigs.Stories("stories-cut", new { MaxLocalPrefillLength = 16 }),
                },
            },
        });
        (_frontend, Client) = await StartFrontendAsync();
    }

    /// <summary>A frontend process on this cluster's NATS (another one starts late, as after a restart or for a replica).</summary>
    internal async Task<(ChildProcess Process, HttpClient Client)> StartFrontendAsync()
    {
        var port = FreePort.Next();
        var frontend = ChildProcess.Dynamo(DynamoServer.HostAssembly, "frontend", "--config", _configFile!, "--nats", NatsUrl, "--urls", $"http://127.0.0.1:{port}");
        await FreePort.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(60), () => frontend.Output);
        return (frontend, new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) });
    }

    /// <summary>Starts <paramref name="count"/> workers of <paramref name="model"/>, once the frontend lists them all.</summary>
    /// <param name="arguments">More arguments for every worker (e.g. <c>--system-port</c>).</param>
    internal async Task<Dictionary<string, ChildProcess>> StartWorkersAsync(string model, int count, params string[] arguments)
    {
        var workers = Enumerable.Range(0, count).ToDictionary(i => $"{model}-{i}",
            i => ChildProcess.Dynamo(DynamoServer.HostAssembly, ["worker", "--config", _configFile!, "--nats", NatsUrl, "--model", model, "--worker-id", $"{model}-{i}", .. arguments]));
        lock (_processes)
            _processes.AddRange(workers.Values);
        await WaitForWorkersAsync(model, ids => workers.Keys.All(ids.Contains), () => string.Join("\n", workers.Values.Select(w => w.Output)));
        return workers;
    }

    /// <summary>Starts one worker of <paramref name="model"/> under <paramref name="workerId"/> (say, with its <c>--role</c>), once the frontend lists it.</summary>
    internal async Task<ChildProcess> StartWorkerAsync(string model, string workerId, params string[] arguments)
    {
        var worker = ChildProcess.Dynamo(DynamoServer.HostAssembly, ["worker", "--config", _configFile!, "--nats", NatsUrl, "--model", model, "--worker-id", workerId, .. arguments]);
        lock (_processes)
            _processes.Add(worker);
        await WaitForWorkersAsync(model, ids => ids.Contains(workerId), () => worker.Output);
        return worker;
    }

    /// <summary>Waits until the frontend's /health lists workers of <paramref name="model"/> that satisfy <paramref name="condition"/>.</summary>
    public async Task WaitForWorkersAsync(string model, Func<IReadOnlyList<string>, bool> condition, Func<string>? diagnostics = null)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        IReadOnlyList<string> ids = [];
        while (DateTime.UtcNow < deadline)
        {
            ids = await WorkersAsync(model);
            if (condition(ids))
                return;
            await Task.Delay(100);
        }
        throw new TimeoutException($"Workers of {model} are [{string.Join(", ", ids)}]. Frontend:\n{_frontend!.Output}\n{diagnostics?.Invoke()}");
    }

    public async Task<IReadOnlyList<string>> WorkersAsync(string model)
    {
        // /health answers 503 while some model has no worker; its body still lists every model.
        using var response = await Client.GetAsync("/health");
        using var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return health.RootElement.GetProperty("models").TryGetProperty(model, out var entry)
            ? entry.GetProperty("instances").EnumerateArray().Select(i => i.GetString()!).ToList()
            : [];
    }

    public Task<HttpResponseMessage> ChatAsync(string model, string content, int maxTokens, bool stream = false, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead, HttpClient? client = null) =>
        (client ?? Client).SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(new
            {
                model,
                messages = new[] { new { role = "user", content } },
                max_tokens = maxTokens,
                ignore_eos = true,
                stream,
                stream_options = stream ? new { include_usage = true } : null,
            }),
        }, completion);

    public string FrontendOutput => _frontend!.Output;

    public async Task DisposeAsync()
    {
        Client.Dispose();
        foreach (var process in _processes)
            await process.DisposeAsync();
        if (_frontend is not null)
            await _frontend.DisposeAsync();
        if (_nats is not null)
            await _nats.DisposeAsync();
        if (_configFile is not null)
            File.Delete(_configFile);
        File.Delete(TracePath);
    }
}
