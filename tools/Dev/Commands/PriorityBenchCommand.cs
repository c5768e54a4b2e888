using Dynamo.Runtime.Configuration;

namespace Dynamo.Dev.Commands;

/// <summary>
/// <c>dynamo-dev bench priority</c>: a saturated worker (a burst far above what it runs at once)
/// where some requests carry <c>agent_hints.priority</c>. The same burst, same seed, runs twice: with
/// the hints (the frontend queue and the engine admit by priority) and without (arrival order).
/// Prints TTFT p50/p90/p99 of the high- and low-priority requests in each run.
/// </summary>
internal static class PriorityBenchCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var requests = Arguments.Int(args, "--requests", 96);
        var highShare = Arguments.Double(args, "--high-share", 0.25);
        var busy = Arguments.Int(args, "--busy-threshold", 4);
        var seed = Arguments.Int(args, "--seed", 1);
        if (requests < 2 || highShare is <= 0 or >= 1 || busy < 1)
            throw new DynamoConfigurationException("--requests must be at least 2, --high-share between 0 and 1, --busy-threshold at least 1.");
        var random = new Random(seed);
        var high = Enumerable.Range(0, requests).Select(_ => random.NextDouble() < highShare).ToArray();
        var prompts = Enumerable.Range(0, requests).Select(_ => BenchClient.Words(random, 2000)).ToArray();
        output.WriteLine($"dynamo-dev bench priority: {requests} requests at once ({high.Count(h => h)} with priority 10), one mocker worker " +
            $"(batch 4, BusyThreshold {busy}), 2,000-token prompts, 32 output tokens, seed {seed}");
        output.WriteLine("run                 | high-priority TTFT p50/p90/p99 ms | low-priority TTFT p50/p90/p99 ms | errors");
        foreach (var withHints in new[] { false, true })
        {
            var (highTtft, lowTtft, errors) = await RunOnceAsync(prompts, high, busy, withHints, args.Where(a => a.StartsWith("--Dynamo:", StringComparison.Ordinal)).ToArray());
            output.WriteLine($"{(withHints ? "priority hints" : "no hints (FIFO)"),-19} | {BenchClient.Percentiles(highTtft),-33} | {BenchClient.Percentiles(lowTtft),-32} | {errors,6}");
        }
        return 0;
    }

    private static async Task<(List<double> High, List<double> Low, int Errors)> RunOnceAsync(string[] prompts, bool[] high, int busy, bool withHints, string[] settings)
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
                        Engine = new { Name = "mocker", PrefillTokensPerSecond = 20_000, DecodeItlMs = 10, MaxBatchSize = 4, KvBlockSize = 16, KvCapacityBlocks = 4096, MaxContextLength = 8192, OutputTokens = 32 },
                        BusyThreshold = busy,
                        Tokenizer = "bytes",
                        ChatTemplate = "plain",
                    },
                },
            },
        }, settings);
        await using var _ = app;
        using var __ = http;
        var (highTtft, lowTtft) = (new List<double>(), new List<double>());
        var errors = 0;
        await Task.WhenAll(prompts.Select(async (prompt, i) =>
        {
            try
            {
                var nvext = withHints ? new { agent_hints = new { priority = high[i] ? 10 : 0 } } : null;
                var (ttft, _, _, _) = await BenchClient.TurnAsync(http, "agent", [new { role = "user", content = prompt }], nvext);
                lock (highTtft)
                    (high[i] ? highTtft : lowTtft).Add(ttft);
            }
            catch (Exception e) when (e is HttpRequestException or InvalidOperationException or TaskCanceledException)
            {
                Interlocked.Increment(ref errors);
            }
        }));
        File.Delete(config);
        return (highTtft, lowTtft, errors);
    }
}
