using System.Text.Json;
using Dynamo.Dev.Commands;
using Dynamo.Runtime.Configuration;
using Dynamo.Runtime.Models;

namespace Dynamo.Dev.Replay;

/// <summary>
/// <c>dynamo-dev replay TRACE…</c>: replays a Mooncake trace or our request traces at the recorded
/// arrival times, against a running frontend (<c>--url</c>) or, once per router with the same seed,
/// against an in-process cluster of mocker workers (<c>--workers</c>), and reports TTFT and ITL
/// percentiles, output throughput and KV hit rate per router.
/// </summary>
internal static class ReplayCommand
{
    public const string Usage = """
        replay TRACE [TRACE ...] [--speedup 1] [--block-tokens 64] [--output-tokens N] [--max-requests N] [--json]
               [--url URL --model NAME [--vocab 256]]
               [--workers 4] [--routers kv,round-robin,least-loaded] [--seed 1] [--kv-block-size 16] [--kv-blocks 4096]
               [--prefill-tokens-per-second 20000] [--itl-ms 10]
        replay generate --out FILE [--sessions 32] [--turns 6] [--groups 4] [--system-blocks 8] [--user-blocks 2]
               [--output-length 256] [--think-ms 4000] [--session-gap-ms 500] [--seed 1]
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        if (args.FirstOrDefault() == "generate")
            return MooncakeGenerator.Run(args[1..], output);
        var files = args.TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
        if (files.Count == 0)
            throw new DynamoConfigurationException($"Usage:\n{Usage}");
        var trace = TraceFiles.Read(files);
        if (Arguments.Int(args, "--max-requests", 0) is > 0 and var max)
            trace = [.. trace.Take(max)];
        var speedup = Arguments.Double(args, "--speedup", 1);
        var blockTokens = Arguments.Int(args, "--block-tokens", 64);
        var kvBlockSize = Arguments.Int(args, "--kv-block-size", 16);
        var outputTokens = Arguments.Int(args, "--output-tokens", 0) is > 0 and var o ? o : (int?)null;
        if (speedup <= 0 || blockTokens < 1 || kvBlockSize < 1)
            throw new DynamoConfigurationException("--speedup, --block-tokens and --kv-block-size must be positive.");
        var json = args.Contains("--json");
        if (!json)
            output.WriteLine($"dynamo-dev replay: {trace.Count} requests over {trace[^1].ArrivalMs / 1000:F1} s of trace, {blockTokens} tokens a trace block, speedup {speedup}");

        var results = new List<ReplayResult>();
        if (Arguments.Option(args, "--url", "") is { Length: > 0 } url)
        {
            var model = Arguments.Option(args, "--model", "") is { Length: > 0 } m ? m : throw new DynamoConfigurationException("--url needs --model NAME.");
            using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(10) };
            results.Add(await new ReplayClient(http, model, blockTokens, Arguments.Int(args, "--vocab", 256), outputTokens).RunAsync("(frontend)", trace, speedup));
        }
        else
        {
            // The workers' KV blocks must tile the trace blocks, or shared prefixes would end mid-block.
            if (blockTokens % kvBlockSize != 0)
                throw new DynamoConfigurationException($"--block-tokens ({blockTokens}) must be a multiple of the workers' KV block size ({kvBlockSize}).");
            // One throwaway run first, so the first router measured does not pay for the process's warm-up (JIT, connections).
            await RunClusterAsync("round-robin", [.. trace.Take(64)], args, blockTokens, kvBlockSize, outputTokens, speedup);
            foreach (var router in Arguments.Option(args, "--routers", "kv,round-robin,least-loaded").Split(','))
                results.Add(await RunClusterAsync(router, trace, args, blockTokens, kvBlockSize, outputTokens, speedup));
        }

        if (json)
        {
            foreach (var r in results)
                output.WriteLine(JsonSerializer.Serialize(r, DevJson.Default.ReplayResult));
            return 0;
        }
        output.WriteLine("router        | requests | errors | TTFT p50/p90/p99 ms      | ITL p50/p90/p99 ms   | output tok/s | KV hit rate");
        foreach (var r in results)
            output.WriteLine($"{r.Router,-13} | {r.Requests,8} | {r.Errors,6} | {r.TtftP50,7:F1} / {r.TtftP90,6:F1} / {r.TtftP99,6:F1} | {r.ItlP50,5:F2} / {r.ItlP90,5:F2} / {r.ItlP99,5:F2} | {r.OutputTokensPerSecond,12:F0} | {r.KvHitRate,11:P1}");
        if (results.FirstOrDefault(r => r.Router == "kv") is { } kv && results.FirstOrDefault(r => r.Router == "round-robin") is { } rr)
            output.WriteLine($"kv / round-robin TTFT p50: {kv.TtftP50 / rr.TtftP50:F2}x, p90 {kv.TtftP90 / rr.TtftP90:F2}x, p99 {kv.TtftP99 / rr.TtftP99:F2}x");
        return 0;
    }

    /// <summary>The trace against a fresh in-process host of mocker workers behind <paramref name="router"/> (fresh caches every time).</summary>
    private static async Task<ReplayResult> RunClusterAsync(string router, List<ReplayRequest> trace, string[] args, int blockTokens, int kvBlockSize, int? outputTokens, double speedup)
    {
        var workers = Arguments.Int(args, "--workers", 4);
        var kvBlocks = Arguments.Int(args, "--kv-blocks", 4096);
        var longest = trace.Max(r => SyntheticPrompt.Tokens(r, blockTokens, 256).Length + (outputTokens ?? r.OutputLength));
        var (app, http, config) = await BenchClient.StartHostAsync(new
        {
            Dynamo = new
            {
                Models = new[]
                {
                    new
                    {
                        Name = "replay",
                        Engine = new
                        {
                            Name = "mocker",
                            PrefillTokensPerSecond = Arguments.Double(args, "--prefill-tokens-per-second", 20_000),
                            DecodeItlMs = Arguments.Double(args, "--itl-ms", 10),
                            KvBlockSize = kvBlockSize,
                            KvCapacityBlocks = kvBlocks,
                            MaxContextLength = Math.Max(longest + 1, kvBlockSize),
                            Speedup = speedup,
                            OutputTokens = 1 << 20,
                        },
                        Replicas = workers,
                        Router = new { Name = router, Seed = Arguments.Int(args, "--seed", 1) },
                        Tokenizer = "bytes",
                        ChatTemplate = "plain",
                    },
                },
            },
        }, [.. args.Where(a => a.StartsWith("--Dynamo:", StringComparison.Ordinal))]);
        await using var _ = app;
        using var __ = http;
        try
        {
            var model = app.Services.GetRequiredService<ModelRegistry>().Find("replay")!;
            if (model.Workers.Count != workers)
                throw new DynamoConfigurationException($"{model.Workers.Count} of {workers} mocker workers started.");
            return await new ReplayClient(http, "replay", blockTokens, 256, outputTokens).RunAsync(router, trace, speedup);
        }
        finally
        {
            await app.StopAsync();
            File.Delete(config);
        }
    }
}
