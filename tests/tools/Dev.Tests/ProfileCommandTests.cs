using System.Text.Json;
using Dynamo.Abstractions.Planner;
using Dynamo.Dev.Commands;
using Dynamo.Runtime.Configuration;
using Dynamo.Testing;

namespace Dynamo.Dev.Tests;

/// <summary>
/// The profiler on the mocker, whose curves are known from its timing model, and on the shipped model at toy size
/// (shape only: its timings are this machine's). The file is read back as the planner would read it.
/// </summary>
[Collection(SimulatedTimeCollection.Name)]
public sealed class ProfileCommandTests
{
    private static readonly JsonSerializerOptions SnakeCase = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    // The mocker's model, at Speedup 4: TTFT = (tokens / 5000 s + 50 ms) / 4, ITL = (50 + 10 × (batch − 1)) ms / 4.
    private const double PrefillTokensPerSecond = 5000, DecodeItlMs = 50, DecodeItlPerSequenceMs = 10, Speedup = 4;

    [Fact]
    public async Task The_mockers_curves_follow_its_timing_model()
    {
        // The test host blocks thread-pool threads now and then; on two cores the profiler's readers would then wait
        // for the pool to add threads (half a second each), a stall inside a decode window. The tool alone never does.
        ThreadPool.GetMinThreads(out var workers, out var ports);
        ThreadPool.SetMinThreads(Math.Max(workers, 16), ports);
        var config = Path.Combine(Path.GetTempPath(), $"profile-{Guid.NewGuid():N}.json");
        var profileFile = Path.ChangeExtension(config, ".profile.json");
        File.WriteAllText(config, $$$"""
            {"Dynamo": {"Models": [{"Name": "mock", "Tokenizer": "bytes", "Engine": {"Name": "mocker",
              "PrefillTokensPerSecond": {{{PrefillTokensPerSecond}}}, "DecodeItlMs": {{{DecodeItlMs}}}, "DecodeItlPerSequenceMs": {{{DecodeItlPerSequenceMs}}},
              "MaxBatchSize": 8, "MaxContextLength": 2048, "KvBlockSize": 16, "KvCapacityBlocks": 1024}}]}}
            """);
        try
        {
            var output = new StringWriter();
            var code = await ProfileCommand.RunAsync(
            [
                "--config", config, "--model-name", "mock", "--out", profileFile, "--contexts", "128,1024", "--decode-tokens", "16", "--warmup", "0.5",
                $"--Dynamo:PluginsPath={DynamoServer.PluginsPath}", $"--Dynamo:Models:0:Engine:Speedup={Speedup}",
            ], output);
            Assert.True(code == 0, output.ToString());
            var profile = JsonSerializer.Deserialize<PerformanceProfile>(File.ReadAllText(profileFile), SnakeCase)!;

            Assert.Equal("mocker", profile.Engine);
            Assert.Equal("mock", profile.Model);
            Assert.Equal(16, profile.KvBlockSize);
            Assert.Equal(1024 * 16, profile.KvCapacityTokens);
            // Input lengths double from 128 up to the longest prompt the context takes.
            Assert.Equal([128, 256, 512, 1024, 2047], profile.Prefill.Select(p => p.InputTokens));
            foreach (var point in profile.Prefill)
            {
                var expected = (point.InputTokens * 1000 / PrefillTokensPerSecond + DecodeItlMs) / Speedup;
                // Never faster than the model; slower by the wake-ups of a busy machine at most (a few ms on two loaded cores).
                Assert.True(point.TimeMs >= 0.9 * expected && point.TimeMs <= expected + Math.Max(0.2 * expected, 8), $"prefill {point}: expected {expected:F1} ms\n{output}");
            }
            // The slope, which a late timer wake-up on a busy machine hardly moves: 1000 / (5000 × 4) = 0.05 ms a token.
            var (first, last) = (profile.Prefill[0], profile.Prefill[^1]);
            var slope = (last.TimeMs - first.TimeMs) / (last.InputTokens - first.InputTokens);
            Assert.InRange(slope, 0.9 * 1000 / (PrefillTokensPerSecond * Speedup), 1.1 * 1000 / (PrefillTokensPerSecond * Speedup));
            // Every batch fits both contexts (8 × 1024 tokens of 16,384): the grid is whole.
            Assert.Equal([1, 2, 4, 8, 1, 2, 4, 8], profile.Decode.Select(p => p.Batch));
            Assert.Equal([128, 128, 128, 128, 1024, 1024, 1024, 1024], profile.Decode.Select(p => p.ContextTokens));
            foreach (var point in profile.Decode)
            {
                var expected = (DecodeItlMs + DecodeItlPerSequenceMs * (point.Batch - 1)) / Speedup;
                Assert.True(Math.Abs(point.ItlMs - expected) <= 0.1 * expected + 1, $"decode {point}: expected {expected:F1} ms\n{output}");
            }
            // What the planner reads from it: all 8 sequences keep ITL under 40 ms (30 ms), not even one under 11 ms (12.5 ms).
            Assert.Equal(8, ProfileMath.MaxBatch(profile, 40, 512));
            Assert.Equal(0, ProfileMath.MaxBatch(profile, 11, 512));
        }
        finally
        {
            ThreadPool.SetMinThreads(workers, ports);
            File.Delete(config);
            File.Delete(profileFile);
        }
    }

    [Fact]
    public async Task The_shipped_model_gives_a_profile_of_the_right_shape()
    {
        var output = new StringWriter();
        var code = await ProfileCommand.RunAsync(
        [
            "--engine", "llama", "--model", DynamoServer.DefaultModel, "--out", "-",
            "--input-lengths", "32,256", "--batches", "1,4", "--contexts", "64", "--decode-tokens", "8", "--runs", "1", "--warmup", "0.3",
            $"--Dynamo:PluginsPath={DynamoServer.PluginsPath}", "--Dynamo:Models:0:Engine:Device=cpu",
        ], output);
        var text = output.ToString();
        Assert.True(code == 0, text);
        var json = text[text.IndexOf('{', StringComparison.Ordinal)..(text.LastIndexOf('}') + 1)];
        var profile = JsonSerializer.Deserialize<PerformanceProfile>(json, SnakeCase)!;

        Assert.Equal("llama", profile.Engine);
        Assert.Equal(DynamoServer.DefaultModel, profile.Model);
        // The engine's defaults: KvCapacityTokens 65,536 in blocks of 16.
        Assert.Equal(16, profile.KvBlockSize);
        Assert.Equal(65_536, profile.KvCapacityTokens);
        Assert.Equal([32, 256], profile.Prefill.Select(p => p.InputTokens));
        Assert.All(profile.Prefill, p => Assert.True(p.TimeMs > 0, text));
        // Eight times the prompt costs more: prefill grows with the input, whatever the machine's noise.
        Assert.True(profile.Prefill[1].TimeMs > profile.Prefill[0].TimeMs, text);
        Assert.Equal([(1, 64), (4, 64)], profile.Decode.Select(p => (p.Batch, p.ContextTokens)));
        Assert.All(profile.Decode, p => Assert.True(p.ItlMs > 0, text));
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("--model-name", "x", "--engine", "mocker")]
    [InlineData("--config", "some.json")]
    [InlineData("--decode-tokens", "1")]
    [InlineData("--batches", "1,0")]
    public async Task Bad_arguments_are_usage_errors(params string[] args) =>
        await Assert.ThrowsAsync<DynamoConfigurationException>(() => ProfileCommand.RunAsync(args, new StringWriter()));
}
