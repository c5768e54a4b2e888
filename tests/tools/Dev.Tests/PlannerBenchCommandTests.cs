using System.Text.Json;
using Dynamo.Dev.Commands;
using Dynamo.Runtime.Configuration;
using Dynamo.Testing;

namespace Dynamo.Dev.Tests;

/// <summary>
/// <c>dynamo-dev bench planner</c> at toy size: a fixed worker process and then <c>dynamo planner</c> with the local
/// connector serve the same ramp over a real nats-server, every request is answered, and the worker census counts them.
/// </summary>
[Collection(SimulatedTimeCollection.Name)]
public sealed class PlannerBenchCommandTests
{
    private static readonly string Plugins = $"--Dynamo:PluginsPath={DynamoServer.PluginsPath}";

    [Fact]
    public async Task A_tiny_ramp_is_served_by_a_fixed_worker_and_by_the_planner_s_workers()
    {
        var output = new StringWriter();
        Assert.Equal(0, await PlannerBenchCommand.RunAsync(["--base-rate", "4", "--peak-factor", "2", "--phase-seconds", "2", "--warmup-seconds", "2",
            "--input-tokens", "200", "--output-tokens", "8", "--prefill-tokens-per-second", "20000", "--itl-ms", "5", "--itl-per-sequence-ms", "0",
            "--max-batch", "4", "--ttft-ms", "2000", "--itl-target-ms", "200", "--interval-seconds", "1", "--cooldown-seconds", "2",
            "--max-workers", "2", "--fixed-workers", "1", "--json", Plugins], output));
        var root = JsonDocument.Parse(Assert.Single(output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))).RootElement;

        Assert.Equal(1, root.GetProperty("fixed_workers").GetInt32());
        var (fixedRun, planner) = (root.GetProperty("fixed"), root.GetProperty("planner"));
        Assert.Equal(("fixed", "planner"), (fixedRun.GetProperty("mode").GetString(), planner.GetProperty("mode").GetString()));
        // The same arrivals for both; every one answered, and on these loose targets most in time.
        Assert.True(fixedRun.GetProperty("requests").GetInt32() > 10, fixedRun.ToString());
        Assert.Equal(fixedRun.GetProperty("requests").GetInt32(), planner.GetProperty("requests").GetInt32());
        foreach (var run in new[] { fixedRun, planner })
        {
            Assert.Equal(0, run.GetProperty("errors").GetInt32());
            Assert.InRange(run.GetProperty("attained").GetInt32(), 1, run.GetProperty("requests").GetInt32());
            Assert.Equal((double)run.GetProperty("attained").GetInt32() / run.GetProperty("requests").GetInt32(), run.GetProperty("attainment").GetDouble(), 9);
            Assert.True(run.GetProperty("ttft_p50_ms").GetDouble() > 0 && run.GetProperty("itl_p50_ms").GetDouble() > 0, run.ToString());
            Assert.True(run.GetProperty("window_seconds").GetDouble() >= 10, run.ToString());
            Assert.Equal(run.GetProperty("worker_seconds").GetDouble() / run.GetProperty("window_seconds").GetDouble(), run.GetProperty("mean_workers").GetDouble(), 9);
        }
        // The fixed worker ran throughout; the planner's pool stayed within 1..2 and was there whenever it was counted.
        Assert.Equal(1, fixedRun.GetProperty("max_workers").GetInt32());
        Assert.InRange(fixedRun.GetProperty("mean_workers").GetDouble(), 0.9, 1.0 + 1e-9);
        Assert.InRange(planner.GetProperty("max_workers").GetInt32(), 1, 2);
        Assert.InRange(planner.GetProperty("mean_workers").GetDouble(), 0.5, 2.0 + 1e-9);
        Assert.Equal(planner.GetProperty("worker_seconds").GetDouble() / fixedRun.GetProperty("worker_seconds").GetDouble(), root.GetProperty("worker_seconds_ratio").GetDouble(), 9);

        // Half-phase slices: base 4, the ramp to 8 (its halves average 5 and 7), the peak, the way down, base.
        var rates = root.GetProperty("timeline").EnumerateArray().Select(s => s.GetProperty("request_rate").GetDouble()).ToArray();
        Assert.Equal([4, 4, 5, 7, 8, 8, 7, 5, 4, 4], rates.Select(r => Math.Round(r, 6)));
    }

    [Theory]
    [InlineData("--peak-factor", "0.5", "--peak-factor at least 1")]
    [InlineData("--output-tokens", "1", "--output-tokens at least 2")]
    [InlineData("--itl-ms", "0", "--itl-ms")]
    [InlineData("--base-rate", "fast", "--base-rate must be a number, got 'fast'")]
    [InlineData("--mode", "eager", "--mode must be throughput, load or both, got 'eager'")]
    [InlineData("--fixed-workers", "-1", "--fixed-workers must be positive")]
    public async Task Bad_arguments_are_refused_before_anything_starts(string option, string value, string message)
    {
        var error = await Assert.ThrowsAsync<DynamoConfigurationException>(() => PlannerBenchCommand.RunAsync([option, value], TextWriter.Null));
        Assert.Contains(message, error.Message);
    }
}
