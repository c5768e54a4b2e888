using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dynamo.Host.Configuration;
using Dynamo.Host.Distributed.Local;
using Dynamo.Host.Models;

namespace Dynamo.Host.Commands;

/// <summary>
/// <c>dynamo bench agentic</c>: an agentic multi-turn workload over real HTTP against a host of
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
        string Option(string name, string fallback)
        {
            var at = Array.IndexOf(args, name);
            return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
        }
        var routers = Option("--routers", "round-robin,least-loaded,kv").Split(',');
        var (workers, sessions, prefixes, turns) = (int.Parse(Option("--workers", "4")), int.Parse(Option("--sessions", "16")), int.Parse(Option("--prefixes", "8")), int.Parse(Option("--turns", "4")));
        var (prefixTokens, kvBlocks, seed, speedup) = (int.Parse(Option("--prefix-tokens", "4000")), int.Parse(Option("--kv-blocks", "1024")), int.Parse(Option("--seed", "1")), double.Parse(Option("--speedup", "4"), System.Globalization.CultureInfo.InvariantCulture));
        if (workers < 1 || sessions < 1 || prefixes < 1 || turns < 1)
            throw new DynamoConfigurationException("--workers, --sessions, --prefixes and --turns must be positive.");

        await using var nats = args.Contains("--distributed") ? await NatsServerProcess.StartAsync() : null;
        output.WriteLine($"dynamo bench agentic: {sessions} sessions × {turns} turns, {prefixes} shared prefixes of {prefixTokens} tokens, " +
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
        var config = Path.Combine(Path.GetTempPath(), $"dynamo-agentic-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new
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
        }));
        string[] distributed = natsUrl is null ? [] : ["--distributed", "--nats", natsUrl];
        await using var app = DynamoApplication.Build(["--config", config, "--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning", .. distributed, .. settings]);
        app.StartModels();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(5) };
        await using var processes = natsUrl is null ? null : WorkerProcesses.Start(typeof(AgenticBenchCommand).Assembly.Location, workers,
            i => ["--config", config, "--nats", natsUrl, "--worker-id", $"agent-{router}-{i}", .. settings]);
        await WaitForWorkersAsync(app, workers, processes);

        var random = new Random(seed);
        var shared = Enumerable.Range(0, prefixes).Select(_ => Words(random, prefixTokens)).ToArray();
        var (firstTtft, laterTtft, itl) = (new List<double>(), new List<double>(), new List<double>());
        long outputTokens = 0, promptTokens = 0, cachedTokens = 0;
        var errors = 0;
        var results = new Lock();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, sessions).Select(async s =>
        {
            var sessionRandom = new Random(seed * 1000 + s);
            var messages = new List<object> { new { role = "system", content = shared[s % prefixes] }, new { role = "user", content = $"Task {s}: {Words(sessionRandom, 200)}" } };
            for (var turn = 0; turn < turns; turn++)
            {
                try
                {
                    var (ttft, gaps, answer, usage) = await TurnAsync(http, messages);
                    lock (results)
                    {
                        (turn == 0 ? firstTtft : laterTtft).Add(ttft);
                        itl.AddRange(gaps);
                        outputTokens += usage.Completion;
                        promptTokens += usage.Prompt;
                        cachedTokens += usage.Cached;
                    }
                    messages.Add(new { role = "assistant", content = answer });
                    messages.Add(new { role = "user", content = $"Tool result: {Words(sessionRandom, 300)}" });
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
        return new RouterResult(Percentiles(firstTtft), Percentiles(laterTtft), Percentile(itl, 0.5), outputTokens / seconds,
            promptTokens == 0 ? 0 : (double)cachedTokens / promptTokens, errors);
    }

    private static async Task WaitForWorkersAsync(WebApplication app, int workers, WorkerProcesses? processes)
    {
        var model = app.Services.GetRequiredService<ModelRegistry>().Find("agent")!;
        for (var waited = 0; model.Workers.Count < workers; waited += 100)
        {
            if (waited > 60_000 || processes?.AnyExited == true)
                throw new DynamoConfigurationException($"Only {model.Workers.Count} of {workers} workers registered:\n{processes?.Output}");
            await Task.Delay(100);
        }
    }

    private static async Task<(double Ttft, List<double> Gaps, string Answer, (long Prompt, long Completion, long Cached) Usage)> TurnAsync(HttpClient http, List<object> messages)
    {
        var start = Stopwatch.GetTimestamp();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(new { model = "agent", messages, stream = true, stream_options = new { include_usage = true } }),
        };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        double? ttft = null;
        var last = 0.0;
        var gaps = new List<double>();
        var answer = new StringBuilder();
        (long, long, long) usage = default;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal) || line == "data: [DONE]")
                continue;
            using var chunk = JsonDocument.Parse(line[6..]);
            var root = chunk.RootElement;
            if (root.TryGetProperty("error", out var error))
                throw new InvalidOperationException(error.ToString());
            if (root.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object)
                usage = (u.GetProperty("prompt_tokens").GetInt64(), u.GetProperty("completion_tokens").GetInt64(),
                    u.TryGetProperty("prompt_tokens_details", out var d) && d.ValueKind == JsonValueKind.Object ? d.GetProperty("cached_tokens").GetInt64() : 0);
            if (root.GetProperty("choices") is { ValueKind: JsonValueKind.Array } choices && choices.GetArrayLength() > 0
                && choices[0].GetProperty("delta").TryGetProperty("content", out var content) && content.GetString() is { Length: > 0 } text)
            {
                var now = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (ttft is null)
                    ttft = now;
                else
                    gaps.Add(now - last);
                last = now;
                answer.Append(text);
            }
        }
        return (ttft ?? throw new InvalidOperationException("no content streamed"), gaps, answer.ToString(), usage);
    }

    private static string Words(Random random, int characters)
    {
        const string letters = "abcdefghijklmnopqrstuvwxyz";
        var text = new StringBuilder(characters);
        while (text.Length < characters)
            text.Append(random.Next(8) == 0 ? ' ' : letters[random.Next(letters.Length)]);
        return text.ToString();
    }

    private static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0)
            return double.NaN;
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Round(p * (sorted.Count - 1))];
    }

    private static string Percentiles(List<double> values) => $"{Percentile(values, 0.5),7:F0} / {Percentile(values, 0.9),6:F0} / {Percentile(values, 0.99),6:F0}";
}
