using System.Diagnostics;
using System.Text.Json;
using Dynamo.Dev.Tracing;
using Dynamo.Runtime.Configuration;
using Dynamo.Runtime.Models;

namespace Dynamo.Dev.Commands;

/// <summary>
/// <c>dynamo-dev bench disagg</c>: prefill interference, aggregated against disaggregated, on the same
/// number of in-process mocker workers behind the same router. Steady decoders (short prompts, long
/// outputs, one turn after another) run throughout while long unique prompts with short outputs arrive
/// at a fixed mean rate. Aggregated, a long prompt's prefill is one long step on a worker that is also
/// decoding, so every decoder there waits for it; disaggregated, it runs on a prefill worker and the
/// decode worker imports its KV blocks. Reports the decoders' per-token ITL and the long prompts' TTFT
/// in both runs, their ratios, and the share of long prompts the request trace shows prefilled remotely.
/// </summary>
internal static class DisaggBenchCommand
{
    private const string Model = "disagg";

    /// <summary>What both runs share. Times are simulated milliseconds (divided by <see cref="Speedup"/> on the wall clock).</summary>
    private sealed record Workload(
        int Workers, int PrefillWorkers, int Decoders, int DecoderPromptTokens, int DecoderOutputTokens,
        int LongPrompts, int LongPromptTokens, int LongOutputTokens, double LongIntervalMs, bool Poisson,
        double PrefillTokensPerSecond, double ItlMs, double KvTransferGbps, int MaxLocalPrefill, long? MaxPrefillQueueTokens,
        string Router, double Speedup, int Seed)
    {
        /// <summary>Every decoder starts within one of its own turns (staggered), so their turns do not line up; long prompts come after.</summary>
        public double WarmupMs => DecoderOutputTokens * ItlMs;

        /// <summary>A request of at least this many prompt tokens is a long prompt (the trace knows requests by their size).</summary>
        public int LongThreshold => (DecoderPromptTokens + LongPromptTokens) / 2;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var queue = Arguments.Option(args, "--max-prefill-queue-tokens", "");
        var w = new Workload(
            Arguments.Int(args, "--workers", 4), Arguments.Int(args, "--prefill-workers", 2), Arguments.Int(args, "--decoders", 16),
            Arguments.Int(args, "--decoder-prompt-tokens", 200), Arguments.Int(args, "--decoder-output-tokens", 300),
            Arguments.Int(args, "--long-prompts", 64), Arguments.Int(args, "--long-prompt-tokens", 6000), Arguments.Int(args, "--long-output-tokens", 20),
            Arguments.Double(args, "--long-interval-ms", 250), Arguments.Option(args, "--arrivals", "poisson") switch
            {
                "poisson" => true,
                "fixed" => false,
                var other => throw new DynamoConfigurationException($"--arrivals must be poisson or fixed, got '{other}'."),
            },
            Arguments.Double(args, "--prefill-tokens-per-second", 20_000), Arguments.Double(args, "--itl-ms", 10), Arguments.Double(args, "--kv-transfer-gbps", 25),
            Arguments.Int(args, "--max-local-prefill", DisaggregationOptions.DefaultMaxLocalPrefillLength),
            queue.Length > 0 ? Arguments.Int(queue, "--max-prefill-queue-tokens") : null,
            Arguments.Option(args, "--router", "kv"), Arguments.Double(args, "--speedup", 2), Arguments.Int(args, "--seed", 1));
        if (w.Workers < 2 || w.PrefillWorkers < 1 || w.PrefillWorkers >= w.Workers)
            throw new DynamoConfigurationException("--workers must be at least 2 and --prefill-workers between 1 and --workers − 1 (the rest decode).");
        if (w.Decoders < 1 || w.DecoderPromptTokens < 1 || w.DecoderOutputTokens < 2 || w.LongPrompts < 1 || w.LongPromptTokens < 1 || w.LongOutputTokens < 1)
            throw new DynamoConfigurationException("--decoders, --long-prompts and the token counts must be positive (--decoder-output-tokens at least 2, for gaps to measure).");
        if (w.LongIntervalMs <= 0 || w.PrefillTokensPerSecond <= 0 || w.ItlMs <= 0 || w.KvTransferGbps <= 0 || w.Speedup <= 0 || w.MaxLocalPrefill < 0 || w.MaxPrefillQueueTokens < 0)
            throw new DynamoConfigurationException("--long-interval-ms, --prefill-tokens-per-second, --itl-ms, --kv-transfer-gbps and --speedup must be positive, --max-local-prefill and --max-prefill-queue-tokens 0 or more.");
        var settings = args.Where(a => a.StartsWith("--Dynamo:", StringComparison.Ordinal)).ToArray();
        var json = args.Contains("--json");
        if (!json)
        {
            output.WriteLine($"dynamo-dev bench disagg: {w.Decoders} steady decoders ({w.DecoderPromptTokens}-token prompts, {w.DecoderOutputTokens} output tokens, turn after turn) and " +
                $"{w.LongPrompts} long prompts ({w.LongPromptTokens} unique tokens, {w.LongOutputTokens} output tokens) arriving every {w.LongIntervalMs} ms " +
                $"({(w.Poisson ? "Poisson" : "fixed")}); mocker {w.PrefillTokensPerSecond} prefill tokens/s, {w.ItlMs} ms decode steps, KV transfer {w.KvTransferGbps} Gb/s, " +
                $"speedup {w.Speedup}; {w.Workers} workers each run, router {w.Router}, seed {w.Seed}");
            output.WriteLine("(times are wall-clock ms, the simulated ones divided by the speedup)");
        }

        // A small throwaway run first, so the first run measured does not pay for the process's warm-up (JIT, connections).
        await RunOnceAsync(w with { Decoders = 2, DecoderOutputTokens = 20, LongPrompts = 2, LongIntervalMs = 50, Poisson = false }, disaggregated: true, settings);
        var aggregated = await RunOnceAsync(w, disaggregated: false, settings);
        var disaggregated = await RunOnceAsync(w, disaggregated: true, settings);
        var result = new DisaggBenchResult(aggregated, disaggregated,
            disaggregated.DecoderItlP50Ms / aggregated.DecoderItlP50Ms, disaggregated.DecoderItlP99Ms / aggregated.DecoderItlP99Ms,
            disaggregated.LongTtftP50Ms / aggregated.LongTtftP50Ms, disaggregated.LongTtftP99Ms / aggregated.LongTtftP99Ms);
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(result, DisaggBenchJson.Default.DisaggBenchResult));
            return 0;
        }
        output.WriteLine("run           | workers              | decoder ITL p50 / p90 / p99 ms | long TTFT p50 / p90 / p99 ms | long prefilled remotely | errors | wall s");
        foreach (var r in new[] { aggregated, disaggregated })
        {
            var workers = r.PrefillWorkers == 0 ? $"{r.DecodeWorkers} (both)" : $"{r.DecodeWorkers} decode + {r.PrefillWorkers} prefill";
            output.WriteLine($"{r.Mode,-13} | {workers,-20} | {r.DecoderItlP50Ms,8:F1} / {r.DecoderItlP90Ms,6:F1} / {r.DecoderItlP99Ms,6:F1} | " +
                $"{r.LongTtftP50Ms,8:F1} / {r.LongTtftP90Ms,6:F1} / {r.LongTtftP99Ms,6:F1} | {r.LongPrefilledRemotely,5} of {r.LongTraced,-3} ({r.LongRemoteShare,6:P1}) | {r.Errors,6} | {r.WallSeconds,6:F1}");
        }
        output.WriteLine($"disaggregated / aggregated: decoder ITL p50 {result.DecoderItlP50Ratio:F2}x, p99 {result.DecoderItlP99Ratio:F2}x; " +
            $"long-prompt TTFT p50 {result.LongTtftP50Ratio:F2}x, p99 {result.LongTtftP99Ratio:F2}x");
        return 0;
    }

    /// <summary>The workload against a fresh in-process host: <see cref="Workload.Workers"/> workers that do both, or prefill and decode workers.</summary>
    private static async Task<DisaggBenchRun> RunOnceAsync(Workload w, bool disaggregated, string[] settings)
    {
        var (decodeWorkers, prefillWorkers) = disaggregated ? (w.Workers - w.PrefillWorkers, w.PrefillWorkers) : (w.Workers, 0);
        var trace = Path.Combine(Path.GetTempPath(), $"dynamo-bench-disagg-{Guid.NewGuid():N}.jsonl");
        var longest = Math.Max(w.LongPromptTokens + w.LongOutputTokens, w.DecoderPromptTokens + w.DecoderOutputTokens) + 256; // the chat template's few tokens on top
        var model = new Dictionary<string, object>
        {
            ["Name"] = Model,
            ["Engine"] = new
            {
                Name = "mocker",
                w.PrefillTokensPerSecond,
                DecodeItlMs = w.ItlMs,
                KvBlockSize = 16,
                KvCapacityBlocks = Math.Max(16_384, longest / 16 * 4),
                MaxContextLength = Math.Max(8192, longest),
                w.Speedup,
                OutputTokens = 1 << 20,
                w.KvTransferGbps,
            },
            ["Replicas"] = decodeWorkers,
            ["Router"] = new { Name = w.Router, w.Seed },
            ["Tokenizer"] = "bytes",
            ["ChatTemplate"] = "plain",
        };
        if (disaggregated)
        {
            var section = new Dictionary<string, object>
            {
                ["PrefillReplicas"] = prefillWorkers,
                ["MaxLocalPrefillLength"] = w.MaxLocalPrefill,
                ["TransferGbps"] = w.KvTransferGbps,
            };
            if (w.MaxPrefillQueueTokens is { } queue)
                section["MaxPrefillQueueTokens"] = queue;
            model["Disaggregation"] = section;
        }
        var (app, http, config) = await BenchClient.StartHostAsync(new { Dynamo = new { RequestTrace = new { Enabled = true, FilePath = trace }, Models = new[] { model } } }, settings);
        await using var _ = app;
        using var __ = http;
        var stopped = false;
        try
        {
            var served = app.Services.GetRequiredService<ModelRegistry>().Find(Model)!;
            if (served.Workers.Count != decodeWorkers + prefillWorkers)
                throw new DynamoConfigurationException($"{served.Workers.Count} of {decodeWorkers + prefillWorkers} mocker workers started.");

            var random = new Random(w.Seed);
            var arrivals = new double[w.LongPrompts];
            for (var i = 0; i < arrivals.Length; i++)
                arrivals[i] = (i == 0 ? w.WarmupMs : arrivals[i - 1]) + (w.Poisson ? -Math.Log(1 - random.NextDouble()) * w.LongIntervalMs : w.LongIntervalMs);
            var prompts = arrivals.Select(_ => BenchClient.Words(random, w.LongPromptTokens)).ToArray();

            var clock = Stopwatch.StartNew();
            using var stop = new CancellationTokenSource();
            var errors = 0;
            var turns = new List<(double Start, double Ttft, List<double> Gaps)>();
            var longTtft = new List<double>();
            var decoders = Enumerable.Range(0, w.Decoders).Select(async d =>
            {
                var own = new Random(w.Seed * 1000 + d);
                await Task.Delay(TimeSpan.FromMilliseconds(w.WarmupMs * d / w.Decoders / w.Speedup));
                while (!stop.IsCancellationRequested)
                {
                    var start = clock.Elapsed.TotalMilliseconds;
                    try
                    {
                        var (ttft, gaps, _, _) = await BenchClient.TurnAsync(http, Model, [new { role = "user", content = BenchClient.Words(own, w.DecoderPromptTokens) }], maxTokens: w.DecoderOutputTokens);
                        lock (turns)
                            turns.Add((start, ttft, gaps));
                    }
                    catch (Exception e) when (e is HttpRequestException or JsonException or InvalidOperationException or TaskCanceledException)
                    {
                        Interlocked.Increment(ref errors);
                        await Task.Delay(100); // a failing server would otherwise be asked again at once
                    }
                }
            }).ToList();
            var longs = arrivals.Select(async (arrival, i) =>
            {
                var due = TimeSpan.FromMilliseconds(arrival / w.Speedup) - clock.Elapsed;
                if (due > TimeSpan.Zero)
                    await Task.Delay(due);
                try
                {
                    var (ttft, _, _, _) = await BenchClient.TurnAsync(http, Model, [new { role = "user", content = prompts[i] }], maxTokens: w.LongOutputTokens);
                    lock (longTtft)
                        longTtft.Add(ttft);
                }
                catch (Exception e) when (e is HttpRequestException or JsonException or InvalidOperationException or TaskCanceledException)
                {
                    Interlocked.Increment(ref errors);
                }
            }).ToList();
            await Task.WhenAll(longs);
            // The window: from the first long prompt's arrival until the last one is answered; decoders finish the turn they are in.
            var (from, until) = (arrivals[0] / w.Speedup, clock.Elapsed.TotalMilliseconds);
            await stop.CancelAsync();
            await Task.WhenAll(decoders);
            var seconds = clock.Elapsed.TotalSeconds;

            var itl = new List<double>();
            foreach (var (start, ttft, gaps) in turns)
            {
                var at = start + ttft;
                foreach (var gap in gaps)
                {
                    at += gap;
                    if (at > from && at <= until)
                        itl.Add(gap);
                }
            }
            stopped = true;
            await app.StopAsync(); // the request trace is written out on stop
            var (remote, traced) = RemotePrefills(trace, w.LongThreshold);
            return new DisaggBenchRun(disaggregated ? "disaggregated" : "aggregated", decodeWorkers, prefillWorkers, turns.Count, itl.Count,
                BenchClient.Percentile(itl, 0.5), BenchClient.Percentile(itl, 0.9), BenchClient.Percentile(itl, 0.99),
                longTtft.Count, BenchClient.Percentile(longTtft, 0.5), BenchClient.Percentile(longTtft, 0.9), BenchClient.Percentile(longTtft, 0.99),
                remote, traced, traced == 0 ? 0 : (double)remote / traced, errors, seconds);
        }
        finally
        {
            if (!stopped)
                await app.StopAsync();
            File.Delete(config);
            File.Delete(trace);
        }
    }

    /// <summary>Of the long prompts the request trace recorded, how many a prefill worker prefilled (its id differs from the decoding worker's).</summary>
    private static (int Remote, int Traced) RemotePrefills(string trace, int longThreshold)
    {
        if (!File.Exists(trace))
            return (0, 0);
        var (remote, traced) = (0, 0);
        foreach (var record in TraceRecords.Read([trace]))
        {
            if (TraceRecords.Text(record, "event_type") != "request_end" || !record.TryGetProperty("request", out var request)
                || TraceRecords.Number(request, "input_tokens") is not { } input || input < longThreshold || !request.TryGetProperty("worker", out var worker))
                continue;
            traced++;
            if (TraceRecords.Text(worker, "prefill_worker_id") is { } prefill && prefill != TraceRecords.Text(worker, "worker_id"))
                remote++;
        }
        return (remote, traced);
    }
}
