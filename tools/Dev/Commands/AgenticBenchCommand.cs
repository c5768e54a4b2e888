using System.Diagnostics;
using System.Text.Json;
using Dynamo.Runtime.Configuration;
using Dynamo.Dev.Cluster;
using Dynamo.Runtime.Models;

namespace Dynamo.Dev.Commands;

/// <summary>
/// <c>dynamo-dev bench agentic</c>: an agentic multi-turn workload over real HTTP against a host of
/// mocker workers, once per router with the same seed. S sessions run at once; each shares one of
/// K long system-prompt prefixes and runs T turns, each turn appending the previous answer and a
/// tool result. Mocker workers simulate prefill and decode time and keep a bounded prefix cache,
/// so where a router sends a turn decides whether its prefix is recomputed. With
/// <c>--distributed</c> the workers are <c>dynamo worker</c> processes behind a frontend, found
/// through a nats-server this command starts on a free port.
/// </summary>
internal static class AgenticBenchCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        string Option(string name, string fallback) => Arguments.Option(args, name, fallback);
        var routers = Option("--routers", "round-robin,least-loaded,kv").Split(',');
        var (workers, sessions, prefixes, turns) = (Arguments.Int(args, "--workers", 4), Arguments.Int(args, "--sessions", 16), Arguments.Int(args, "--prefixes", 8), Arguments.Int(args, "--turns", 4));
        var (prefixTokens, kvBlocks, seed, speedup) = (Arguments.Int(args, "--prefix-tokens", 4000), Arguments.Int(args, "--kv-blocks", 1024), Arguments.Int(args, "--seed", 1), Arguments.Double(args, "--speedup", 4));
        if (workers < 1 || sessions < 1 || prefixes < 1 || turns < 1)
            throw new DynamoConfigurationException("--workers, --sessions, --prefixes and --turns must be positive.");

        await using var nats = args.Contains("--distributed") ? await NatsServerProcess.StartAsync() : null;
        output.WriteLine($"dynamo-dev bench agentic: {sessions} sessions × {turns} turns, {prefixes} shared prefixes of {prefixTokens} tokens, " +
            $"{workers} mocker workers × {kvBlocks} KV blocks of 16 tokens, seed {seed}, speedup {speedup}, " +
            (nats is null ? "workers in the frontend's process" : $"worker processes behind a frontend over NATS {nats.Url}"));
        output.WriteLine("router        | TTFT turn 1 p50/p90/p99 ms | TTFT turns 2+ p50/p90/p99 ms | ITL p50 ms | output tok/s | cached prompt tokens | errors");
        foreach (var router in routers)
        {
            var result = await RunRouterAsync(router, workers, sessions, prefixes, turns, prefixTokens, kvBlocks, seed, speedup, nats?.Url,
                args.Where(a => a.StartsWith("--Dynamo:", StringComparison.Ordinal)).ToArray());
            output.WriteLine($"{router,-13} | {result.First}  | {result.Later}  | {result.Itl,10:F1} | {result.TokensPerSecond,12:F0} | {result.CacheHit,20:P1} | {result.Errors,6}");
        }
        return 0;
    }

    private sealed record RouterResult(string First, string Later, double Itl, double TokensPerSecond, double CacheHit, int Errors);

    /// <param name="natsUrl">Run the workers as processes registered on this NATS server; null: in the frontend's process.</param>
    /// <param name="settings"><c>--Dynamo:Key=Value</c> arguments passed on to the host (a plugins folder, say).</param>
    private static async Task<RouterResult> RunRouterAsync(string router, int workers, int sessions, int prefixes, int turns, int prefixTokens, int kvBlocks, int seed, double speedup, string? natsUrl, string[] settings)
    {
        var (app, http, config) = await BenchClient.StartHostAsync(new
        {
            Dynamo = new
            {
                Models = new[]
                {
                    new
                    {
                        Name = "agent",
                        Engine = new { Name = "mocker", PrefillTokensPerSecond = 20_000, DecodeItlMs = 10, KvBlockSize = 16, KvCapacityBlocks = kvBlocks, MaxContextLength = kvBlocks * 16, Speedup = speedup, OutputTokens = 48 },
                        Replicas = workers,
                        Router = new { Name = router, Seed = seed },
                        Tokenizer = "bytes",
                        ChatTemplate = "plain",
                    },
                },
            },
        }, [.. natsUrl is null ? [] : new[] { "--distributed", "--nats", natsUrl }, .. settings]);
        await using var _ = app;
        using var __ = http;
        await using var processes = natsUrl is null ? null : WorkerProcesses.Start(typeof(DynamoApplication).Assembly.Location, workers,
            i => ["--config", config, "--nats", natsUrl, "--worker-id", $"agent-{router}-{i}", .. settings]);
        await BenchClient.WaitForWorkersAsync(app, "agent", workers, () => processes?.AnyExited == true, () => processes?.Output ?? "");

        var random = new Random(seed);
        var shared = Enumerable.Range(0, prefixes).Select(_ => BenchClient.Words(random, prefixTokens)).ToArray();
        var (firstTtft, laterTtft, itl) = (new List<double>(), new List<double>(), new List<double>());
        long outputTokens = 0, promptTokens = 0, cachedTokens = 0;
        var errors = 0;
        var results = new Lock();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, sessions).Select(async s =>
        {
            var sessionRandom = new Random(seed * 1000 + s);
            var messages = new List<object> { new { role = "system", content = shared[s % prefixes] }, new { role = "user", content = $"Task {s}: {BenchClient.Words(sessionRandom, 200)}" } };
            for (var turn = 0; turn < turns; turn++)
            {
                try
                {
                    var (ttft, gaps, answer, usage) = await BenchClient.TurnAsync(http, "agent", messages);
                    lock (results)
                    {
                        (turn == 0 ? firstTtft : laterTtft).Add(ttft);
                        itl.AddRange(gaps);
                        outputTokens += usage.Completion;
                        promptTokens += usage.Prompt;
                        cachedTokens += usage.Cached;
                    }
                    messages.Add(new { role = "assistant", content = answer });
                    messages.Add(new { role = "user", content = $"Tool result: {BenchClient.Words(sessionRandom, 300)}" });
                }
                catch (Exception e) when (e is HttpRequestException or JsonException or InvalidOperationException or TaskCanceledException)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }));
        var seconds = clock.Elapsed.TotalSeconds;
        await app.StopAsync();
        File.Delete(config);
        return new RouterResult(BenchClient.Percentiles(firstTtft), BenchClient.Percentiles(laterTtft), BenchClient.Percentile(itl, 0.5), outputTokens / seconds,
            promptTokens == 0 ? 0 : (double)cachedTokens / promptTokens, errors);
    }
}
