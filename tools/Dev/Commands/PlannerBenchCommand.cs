using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Dynamo.Dev.Cluster;
using Dynamo.Planner;
using Dynamo.Planner.Policy;
using Dynamo.Runtime.Configuration;

namespace Dynamo.Dev.Commands;

/// <summary>
/// <c>dynamo-dev bench planner</c>: a load ramp on mocker worker processes behind a distributed frontend, served twice:
/// by a fixed pool sized for the ramp's mean rate, and by <c>dynamo planner</c> scaling one pool from 1 worker up to
/// the budget through the local connector. The ramp is Poisson arrivals whose rate holds, rises to <c>--peak-factor</c>
/// times (4) over a phase, holds, falls back over a phase and holds again; a warm-up at the base rate runs first and
/// is not measured. Reports each run's SLA attainment (the share of requests whose TTFT and mean ITL both meet the
/// planner's targets) and worker-seconds (live worker processes, starting and draining ones included, over the
/// measured window), and a timeline of both. The profile the planner and the fixed pool's sizing use is measured first
/// with <c>dynamo-dev profile</c> on the same mocker configuration.
/// </summary>
internal static class PlannerBenchCommand
{
    private const string Model = "agent";

    /// <summary>The ramp, the mocker it runs on and the planner's settings. Times are wall-clock (the mocker runs at speedup 1).</summary>
    private sealed record Workload(
        double BaseRate, double PeakFactor, double PhaseSeconds, double WarmupSeconds, int InputTokens, int OutputTokens,
        double PrefillTokensPerSecond, double ItlMs, double ItlPerSequenceMs, int MaxBatch,
        double TtftTargetMs, double ItlTargetMs, double IntervalSeconds, double CooldownSeconds, int MaxWorkers,
        string Mode, string Predictor, int Seed)
    {
        /// <summary>Base, ramp up, peak, ramp down, base.</summary>
        public double Seconds => 5 * PhaseSeconds;

        public double PeakRate => BaseRate * PeakFactor;

        /// <summary>Two base phases, two ramps at the mean of base and peak, one peak phase.</summary>
        public double MeanRate => (2 * BaseRate + (BaseRate + PeakRate) + PeakRate) / 5;

        /// <summary>The offered rate <paramref name="t"/> seconds into the measured trace (the warm-up, before 0, is at the base rate).</summary>
        public double RateAt(double t) => (t / PhaseSeconds) switch
        {
            < 1 => BaseRate,
            var p and < 2 => BaseRate + (PeakRate - BaseRate) * (p - 1),
            < 3 => PeakRate,
            var p and < 4 => PeakRate - (PeakRate - BaseRate) * (p - 3),
            _ => BaseRate,
        };
    }

    /// <param name="At">Seconds into the measured trace; negative in the warm-up.</param>
    private sealed record Arrival(double At, string Prompt);

    /// <param name="Ttft">Null when the request failed.</param>
    private sealed record Outcome(double At, double? Ttft, double Itl);

    private sealed record Run(PlannerBenchRun Summary, List<Outcome> Outcomes, WorkerCensus Census);

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var w = new Workload(
            Arguments.Double(args, "--base-rate", 3.5), Arguments.Double(args, "--peak-factor", 4), Arguments.Double(args, "--phase-seconds", 30),
            Arguments.Double(args, "--warmup-seconds", 40), Arguments.Int(args, "--input-tokens", 1000), Arguments.Int(args, "--output-tokens", 40),
            Arguments.Double(args, "--prefill-tokens-per-second", 5000), Arguments.Double(args, "--itl-ms", 15), Arguments.Double(args, "--itl-per-sequence-ms", 4),
            Arguments.Int(args, "--max-batch", 16), Arguments.Double(args, "--ttft-ms", 500), Arguments.Double(args, "--itl-target-ms", 50),
            Arguments.Double(args, "--interval-seconds", 5), Arguments.Double(args, "--cooldown-seconds", 20), Arguments.Int(args, "--max-workers", 8),
            Arguments.Option(args, "--mode", "throughput"), Arguments.Option(args, "--predictor", "exponential"), Arguments.Int(args, "--seed", 1));
        if (!(w.BaseRate > 0 && w.PeakFactor >= 1 && w.PhaseSeconds > 0 && w.WarmupSeconds >= 0))
            throw new DynamoConfigurationException("--base-rate and --phase-seconds must be positive, --peak-factor at least 1 and --warmup-seconds 0 or more.");
        if (w.InputTokens < 1 || w.OutputTokens < 2 || w.MaxBatch < 1 || w.MaxWorkers < 1)
            throw new DynamoConfigurationException("--input-tokens, --max-batch and --max-workers must be positive, --output-tokens at least 2 (for an ITL).");
        if (!(w.PrefillTokensPerSecond > 0 && w.ItlMs > 0 && w.ItlPerSequenceMs >= 0 && w.TtftTargetMs > 0 && w.ItlTargetMs > 0 && w.IntervalSeconds > 0 && w.CooldownSeconds >= 0))
            throw new DynamoConfigurationException("--prefill-tokens-per-second, --itl-ms, the targets and --interval-seconds must be positive, --itl-per-sequence-ms and --cooldown-seconds 0 or more.");
        if (w.Mode is not ("throughput" or "load" or "both"))
            throw new DynamoConfigurationException($"--mode must be throughput, load or both, got '{w.Mode}'.");
        var fixedOption = Arguments.Int(args, "--fixed-workers", 0);
        if (fixedOption < 0)
            throw new DynamoConfigurationException("--fixed-workers must be positive (without it, the pool the mean rate needs).");
        var settings = args.Where(a => a.StartsWith("--Dynamo:", StringComparison.Ordinal)).ToArray();
        var json = args.Contains("--json");
        var plannerLog = Arguments.Option(args, "--planner-log", "");

        await using var nats = await NatsServerProcess.StartAsync();
        var profile = Path.Combine(Path.GetTempPath(), $"dynamo-bench-planner-{Guid.NewGuid():N}.profile.json");
        var config = await BenchClient.WriteConfigAsync(Configuration(w, profile, settings));
        try
        {
            var clock = Stopwatch.StartNew();
            var context = w.InputTokens + w.OutputTokens / 2;
            await ProfileCommand.RunAsync(["--config", config, "--model-name", Model, "--out", profile,
                "--input-lengths", string.Join(',', new[] { 4, 2, 1 }.Select(d => Math.Max(1, w.InputTokens / d)).Append(w.InputTokens * 2).Distinct()),
                "--batches", string.Join(',', Batches(w.MaxBatch)), "--contexts", context.ToString(CultureInfo.InvariantCulture),
                "--decode-tokens", "16", "--warmup", "1", .. settings], TextWriter.Null);
            var estimate = new ThroughputModel(ProfileFile.Read(profile), w.TtftTargetMs, w.ItlTargetMs)
                .Estimate(new LoadForecast(w.MeanRate, w.InputTokens, w.OutputTokens));
            var fixedWorkers = fixedOption > 0 ? fixedOption : Math.Clamp(ThroughputModel.Replicas(PlannerPools.Aggregated, estimate), 1, w.MaxWorkers);
            if (!json)
            {
                output.WriteLine($"dynamo-dev bench planner: Poisson arrivals at {w.BaseRate} req/s rising to {w.PeakRate} and back ({w.PhaseSeconds} s phases: base, ramp, peak, ramp, base; " +
                    $"mean {w.MeanRate:0.##} req/s) after a {w.WarmupSeconds} s warm-up; {w.InputTokens}-token prompts, {w.OutputTokens} output tokens; mocker {w.PrefillTokensPerSecond} prefill tokens/s, " +
                    $"decode step {w.ItlMs} ms + {w.ItlPerSequenceMs} ms per sequence, batch ≤ {w.MaxBatch}; targets TTFT {w.TtftTargetMs} ms, ITL {w.ItlTargetMs} ms; seed {w.Seed}");
                output.WriteLine($"profile ({clock.Elapsed.TotalSeconds:F0} s): one worker prefills {estimate.PrefillPerWorker:0.##} req/s within the TTFT target and decodes " +
                    $"{estimate.DecodePerWorker:0} tokens/s at batch {estimate.Batch} within the ITL target → fixed pool {fixedWorkers} worker(s)" +
                    (fixedOption > 0 ? " (--fixed-workers)" : " for the mean rate") + $"; planner {w.Mode}, {w.Predictor} predictor{(Predictor(w) is { Count: > 1 } predictor ? $" ({string.Join(", ", predictor.Where(o => o.Key != "Name").Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.Key} {o.Value}")))})" : "")}, 1..{w.MaxWorkers} workers, every {w.IntervalSeconds} s, cooldown {w.CooldownSeconds} s");
            }

            var arrivals = Arrivals(w);
            var fixedRun = await RunOnceAsync(w, arrivals, config, nats.Url, fixedWorkers, settings, null);
            var plannerRun = await RunOnceAsync(w, arrivals, config, nats.Url, null, settings, plannerLog.Length > 0 ? plannerLog : null);
            var result = new PlannerBenchResult(fixedWorkers, fixedRun.Summary, plannerRun.Summary,
                plannerRun.Summary.WorkerSeconds / fixedRun.Summary.WorkerSeconds, plannerRun.Summary.Attainment - fixedRun.Summary.Attainment,
                Timeline(w, fixedRun, plannerRun));
            if (json)
            {
                output.WriteLine(JsonSerializer.Serialize(result, PlannerBenchJson.Default.PlannerBenchResult));
                return 0;
            }
            Print(output, result);
            return 0;
        }
        finally
        {
            File.Delete(config);
            File.Delete(profile);
        }
    }

    /// <summary>One model of mocker workers and the planner's section; the fixed run uses only the model.</summary>
    private static object Configuration(Workload w, string profile, string[] settings)
    {
        var longest = w.InputTokens * 2 + w.OutputTokens + 256; // the profile's longest prompt and the chat template's few tokens
        return new
        {
            Dynamo = new
            {
                Models = new[]
                {
                    new
                    {
                        Name = Model,
                        Engine = new
                        {
                            Name = "mocker", w.PrefillTokensPerSecond, DecodeItlMs = w.ItlMs, DecodeItlPerSequenceMs = w.ItlPerSequenceMs, MaxBatchSize = w.MaxBatch,
                            KvBlockSize = 16, KvCapacityBlocks = Math.Max(4096, longest * w.MaxBatch / 16 * 2), MaxContextLength = Math.Max(4096, longest), OutputTokens = 1 << 20,
                        },
                        Replicas = 1,
                        Tokenizer = "bytes",
                        ChatTemplate = "plain",
                    },
                },
                Planner = new
                {
                    w.Mode,
                    AdjustmentIntervalSeconds = w.IntervalSeconds,
                    ScaleDownCooldownSeconds = w.CooldownSeconds,
                    w.TtftTargetMs,
                    w.ItlTargetMs,
                    ProfilePath = profile,
                    Model,
                    Predictor = Predictor(w),
                    // The bench's own --Dynamo:… settings (a plugins folder) reach the workers the planner starts.
                    Connector = new { Name = "local", DrainTimeoutSeconds = 30, Arguments = settings },
                    MaxTotalWorkers = w.MaxWorkers,
                    Pools = new Dictionary<string, object> { [PlannerPools.Aggregated] = new { MinReplicas = 1, MaxReplicas = w.MaxWorkers } },
                },
            },
        };
    }

    /// <summary>
    /// The planner's predictor section. Holt's trend for the exponential one: a ramp is followed as it rises,
    /// not an interval or two behind (--Dynamo:Planner:Predictor:Beta=0 for none).
    /// </summary>
    private static Dictionary<string, object> Predictor(Workload w) => w.Predictor == "exponential"
        ? new() { ["Name"] = w.Predictor, ["Alpha"] = 0.5, ["Beta"] = 0.5 }
        : new() { ["Name"] = w.Predictor };

    private static IEnumerable<int> Batches(int max)
    {
        for (var b = 1; b < max; b *= 2)
            yield return b;
        yield return max;
    }

    /// <summary>The warm-up and the measured ramp: a Poisson process at the peak rate, each arrival kept with probability rate(t) / peak.</summary>
    private static List<Arrival> Arrivals(Workload w)
    {
        var random = new Random(w.Seed);
        var arrivals = new List<Arrival>();
        for (var t = -w.WarmupSeconds - Math.Log(1 - random.NextDouble()) / w.PeakRate; t < w.Seconds; t -= Math.Log(1 - random.NextDouble()) / w.PeakRate)
        {
            if (random.NextDouble() * w.PeakRate < w.RateAt(t))
                arrivals.Add(new Arrival(t, BenchClient.Words(random, w.InputTokens)));
        }
        return arrivals;
    }

    /// <param name="fixedWorkers">That many worker processes for the whole run; null: the planner's.</param>
    /// <param name="plannerLog">Where to write the planner's output, if anywhere.</param>
    private static async Task<Run> RunOnceAsync(Workload w, List<Arrival> arrivals, string config, string natsUrl, int? fixedWorkers, string[] settings, string? plannerLog)
    {
        var host = typeof(DynamoApplication).Assembly.Location;
        // Workers leaving and the streams migrating off them are what the planner does here, not news: errors only.
        var (app, http) = await BenchClient.StartHostAsync(config, ["--distributed", "--nats", natsUrl, "--Logging:LogLevel:Default=Error", .. settings]);
        await using var _ = app;
        using var __ = http;
        var metrics = new Uri(http.BaseAddress!, "/metrics").ToString();
        await using var workers = fixedWorkers is { } n
            ? WorkerProcesses.Start(host, n, i => ["--config", config, "--nats", natsUrl, "--worker-id", $"{Model}-fixed-{Environment.ProcessId}-{i}", .. settings])
            : null;
        await using var planner = fixedWorkers is null
            ? ChildProcess.Dynamo(host, ["planner", "--config", config, "--nats", natsUrl, $"--Dynamo:Planner:MetricsUrl={metrics}", .. settings])
            : null;
        var prefix = planner is null ? $"{Model}-fixed-{Environment.ProcessId}-" : $"{Model}-{PlannerPools.Aggregated}-{planner.Id}-";
        await BenchClient.WaitForWorkersAsync(app, Model, fixedWorkers ?? 1, () => workers?.AnyExited == true || planner?.HasExited == true, () => workers?.Output ?? planner!.Output);

        var clock = Stopwatch.StartNew();
        var census = new WorkerCensus(prefix, clock);
        var outcomes = new List<Outcome>();
        await Task.WhenAll(arrivals.Select(async arrival =>
        {
            var due = TimeSpan.FromSeconds(arrival.At + w.WarmupSeconds) - clock.Elapsed;
            if (due > TimeSpan.Zero)
                await Task.Delay(due);
            Outcome outcome;
            try
            {
                var (ttft, gaps, _, usage) = await BenchClient.TurnAsync(http, Model, [new { role = "user", content = arrival.Prompt }], maxTokens: w.OutputTokens);
                // Mean ITL as the client saw it: the time from the first token to the last over the gaps between tokens.
                outcome = new Outcome(arrival.At, ttft, usage.Completion > 1 ? gaps.Sum() / (usage.Completion - 1) : 0);
            }
            catch (Exception e) when (e is HttpRequestException or JsonException or InvalidOperationException or TaskCanceledException)
            {
                outcome = new Outcome(arrival.At, null, 0);
            }
            lock (outcomes)
                outcomes.Add(outcome);
        }));
        var until = Math.Max(clock.Elapsed.TotalSeconds, w.WarmupSeconds + w.Seconds);
        await census.DisposeAsync();
        if (planner is not null)
        {
            planner.Signal("TERM"); // it drains the workers it started before it exits
            await planner.WaitForExitAsync(TimeSpan.FromSeconds(60)).ContinueWith(_ => { });
            if (plannerLog is not null)
                await File.WriteAllTextAsync(plannerLog, planner.Output);
        }
        await app.StopAsync();

        var measured = outcomes.Where(o => o.At >= 0).ToList();
        var served = measured.Where(o => o.Ttft is not null).ToList();
        var (ttfts, itls) = (served.Select(o => o.Ttft!.Value).ToList(), served.Select(o => o.Itl).ToList());
        var (workerSeconds, max) = census.Between(w.WarmupSeconds, until);
        var window = until - w.WarmupSeconds;
        var attained = measured.Count(o => Attained(w, o));
        return new Run(new PlannerBenchRun(planner is null ? "fixed" : "planner", measured.Count, attained, measured.Count == 0 ? 0 : (double)attained / measured.Count,
            BenchClient.Percentile(ttfts, 0.5), BenchClient.Percentile(ttfts, 0.9), BenchClient.Percentile(ttfts, 0.99),
            BenchClient.Percentile(itls, 0.5), BenchClient.Percentile(itls, 0.9), BenchClient.Percentile(itls, 0.99),
            measured.Count - served.Count, workerSeconds, workerSeconds / window, max, window), measured, census);
    }

    private static bool Attained(Workload w, Outcome o) => o.Ttft <= w.TtftTargetMs && o.Itl <= w.ItlTargetMs;

    /// <summary>Half-phase slices of the measured trace: the offered rate, each run's workers and attainment.</summary>
    private static List<PlannerBenchSlice> Timeline(Workload w, Run fixedRun, Run plannerRun)
    {
        var slice = w.PhaseSeconds / 2;
        var rows = new List<PlannerBenchSlice>();
        for (var from = 0.0; from < w.Seconds - 1e-9; from += slice)
        {
            var start = from;
            double Workers(Run run) => run.Census.Between(w.WarmupSeconds + start, w.WarmupSeconds + start + slice).WorkerSeconds / slice;
            double Share(Run run) => run.Outcomes.Where(o => o.At >= start && o.At < start + slice).ToList() is { Count: > 0 } inSlice
                ? (double)inSlice.Count(o => Attained(w, o)) / inSlice.Count : double.NaN;
            rows.Add(new PlannerBenchSlice(start, (w.RateAt(start) + w.RateAt(start + slice - 1e-9)) / 2, Workers(fixedRun), Share(fixedRun), Workers(plannerRun), Share(plannerRun)));
        }
        return rows;
    }

    private static void Print(TextWriter output, PlannerBenchResult r)
    {
        output.WriteLine("run     | requests | SLA attained      | TTFT p50 / p90 / p99 ms  | ITL p50 / p90 / p99 ms | errors | workers mean / max | worker-seconds");
        foreach (var run in new[] { r.Fixed, r.Planner })
            output.WriteLine($"{run.Mode,-7} | {run.Requests,8} | {run.Attained,5} ({run.Attainment,7:P1}) | {run.TtftP50Ms,6:F0} / {run.TtftP90Ms,6:F0} / {run.TtftP99Ms,6:F0} | " +
                $"{run.ItlP50Ms,5:F1} / {run.ItlP90Ms,5:F1} / {run.ItlP99Ms,5:F1} | {run.Errors,6} | {run.MeanWorkers,9:F2} / {run.MaxWorkers,-3} | {run.WorkerSeconds,8:F0}");
        output.WriteLine($"planner / fixed: worker-seconds {r.WorkerSecondsRatio:F2}x, SLA attainment {r.Planner.Attainment:P1} vs {r.Fixed.Attainment:P1} ({r.AttainmentDifference * 100:+0.0;-0.0} points)");
        output.WriteLine("from s | offered req/s | fixed: workers, attained | planner: workers, attained");
        foreach (var s in r.Timeline)
            output.WriteLine($"{s.FromSeconds,6:F0} | {s.RequestRate,13:F1} | {s.FixedWorkers,13:F1}, {s.FixedAttainment,8:P0} | {s.PlannerWorkers,15:F1}, {s.PlannerAttainment,8:P0}");
    }
}
