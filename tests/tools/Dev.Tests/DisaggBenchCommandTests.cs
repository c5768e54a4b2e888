using System.Text.Json;
using Dynamo.Dev.Commands;
using Dynamo.Testing;

namespace Dynamo.Dev.Tests;

/// <summary><c>dynamo-dev bench disagg</c> at toy size: both runs complete and the disaggregated one prefills the long prompts on prefill workers.</summary>
[Collection(SimulatedTimeCollection.Name)]
public sealed class DisaggBenchCommandTests
{
    private static readonly string Plugins = $"--Dynamo:PluginsPath={DynamoServer.PluginsPath}";

    [Fact]
    public async Task A_tiny_workload_runs_aggregated_and_disaggregated_and_the_long_prompts_go_to_prefill_workers()
    {
        var output = new StringWriter();
        Assert.Equal(0, await DisaggBenchCommand.RunAsync(["--decoders", "2", "--decoder-prompt-tokens", "50", "--decoder-output-tokens", "40",
            "--long-prompts", "3", "--long-prompt-tokens", "1200", "--long-output-tokens", "4", "--long-interval-ms", "200", "--arrivals", "fixed",
            "--itl-ms", "5", "--speedup", "4", "--json", Plugins], output));
        var root = JsonDocument.Parse(Assert.Single(output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))).RootElement;
        foreach (var ratio in new[] { "decoder_itl_p50_ratio", "decoder_itl_p99_ratio", "long_ttft_p50_ratio", "long_ttft_p99_ratio" })
            Assert.True(root.GetProperty(ratio).GetDouble() > 0, ratio);

        var (aggregated, disaggregated) = (root.GetProperty("aggregated"), root.GetProperty("disaggregated"));
        Assert.Equal(("aggregated", 4, 0), (aggregated.GetProperty("mode").GetString(), aggregated.GetProperty("decode_workers").GetInt32(), aggregated.GetProperty("prefill_workers").GetInt32()));
        Assert.Equal(("disaggregated", 2, 2), (disaggregated.GetProperty("mode").GetString(), disaggregated.GetProperty("decode_workers").GetInt32(), disaggregated.GetProperty("prefill_workers").GetInt32()));
        foreach (var run in new[] { aggregated, disaggregated })
        {
            Assert.Equal((0, 3, 3), (run.GetProperty("errors").GetInt32(), run.GetProperty("long_requests").GetInt32(), run.GetProperty("long_traced").GetInt32()));
            Assert.True(run.GetProperty("decoder_requests").GetInt32() >= 2 && run.GetProperty("decoder_token_gaps").GetInt32() > 0, run.ToString());
            foreach (var p in new[] { "decoder_itl_p50_ms", "decoder_itl_p90_ms", "decoder_itl_p99_ms", "long_ttft_p50_ms", "long_ttft_p90_ms", "long_ttft_p99_ms" })
                Assert.True(run.GetProperty(p).GetDouble() > 0, $"{p}: {run}");
            Assert.True(run.GetProperty("decoder_itl_p99_ms").GetDouble() >= run.GetProperty("decoder_itl_p50_ms").GetDouble(), run.ToString());
            Assert.True(run.GetProperty("wall_seconds").GetDouble() > 0, run.ToString());
        }
        // Aggregated, every worker prefills what it decodes; disaggregated, every long prompt (1,200 tokens > 512 uncached) is prefilled remotely.
        Assert.Equal((0, 0.0), (aggregated.GetProperty("long_prefilled_remotely").GetInt32(), aggregated.GetProperty("long_remote_share").GetDouble()));
        Assert.Equal((3, 1.0), (disaggregated.GetProperty("long_prefilled_remotely").GetInt32(), disaggregated.GetProperty("long_remote_share").GetDouble()));
    }
}
