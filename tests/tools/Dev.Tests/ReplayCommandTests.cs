using System.Net;
using System.Text.Json;
using Dynamo.Dev.Replay;
using Dynamo.Runtime.Configuration;
using Dynamo.Testing;

namespace Dynamo.Dev.Tests;

/// <summary><c>dynamo-dev replay</c>: a generated Mooncake trace and a captured request trace replayed over mocker workers behind each router.</summary>
[Collection(SimulatedTimeCollection.Name)]
public sealed class ReplayCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dynamo-replay-").FullName;

    private static string Plugins => $"--Dynamo:PluginsPath={DynamoServer.PluginsPath}";

    private static List<ReplayResult> Results(string output) =>
        [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonSerializer.Deserialize(l, DevJson.Default.ReplayResult)!)];

    [Fact]
    public async Task A_generated_Mooncake_trace_replays_over_each_router_and_kv_finds_more_of_it_cached()
    {
        var trace = Path.Combine(_dir, "mooncake.jsonl");
        Assert.Equal(0, await ReplayCommand.RunAsync(["generate", "--out", trace, "--sessions", "6", "--turns", "3", "--groups", "2", "--system-blocks", "3",
            "--user-blocks", "1", "--think-ms", "200", "--session-gap-ms", "40"], TextWriter.Null));
        var rows = File.ReadAllLines(trace).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(18, rows.Count);
        Assert.All(rows, r => Assert.Equal(r.GetProperty("hash_ids").GetArrayLength() * 512, r.GetProperty("input_length").GetInt32()));
        Assert.Equal(rows.Select(r => r.GetProperty("timestamp").GetInt64()).Order(), rows.Select(r => r.GetProperty("timestamp").GetInt64()));
        // A later turn's prompt starts with an earlier one's: the conversation recurs as a prefix.
        var hashes = rows.Select(r => r.GetProperty("hash_ids").EnumerateArray().Select(h => h.GetInt64()).ToList()).ToList();
        Assert.Contains(hashes, later => hashes.Any(earlier => earlier.Count > 3 && earlier.Count < later.Count && later.Take(earlier.Count).SequenceEqual(earlier)));

        var output = new StringWriter();
        Assert.Equal(0, await ReplayCommand.RunAsync([trace, "--routers", "kv,round-robin", "--workers", "2", "--block-tokens", "32", "--kv-block-size", "16",
            "--speedup", "5", "--output-tokens", "4", "--json", Plugins], output));
        var results = Results(output.ToString());
        Assert.Equal(["kv", "round-robin"], results.Select(r => r.Router));
        Assert.All(results, r => Assert.Equal((18, 0), (r.Requests, r.Errors)));
        Assert.All(results, r => Assert.True(r.TtftP50 > 0 && r.TtftP99 >= r.TtftP50 && r.ItlP50 > 0 && r.OutputTokensPerSecond > 0, r.ToString()));
        Assert.True(results[0].KvHitRate > 0.3 && results[0].KvHitRate >= results[1].KvHitRate, $"kv {results[0].KvHitRate:P1}, round-robin {results[1].KvHitRate:P1}");
    }

    [Fact]
    public async Task A_request_trace_a_frontend_wrote_replays_with_its_prefix_sharing()
    {
        var prefix = Path.Combine(_dir, "captured");
        await using (var server = await DynamoServer.StartAsync(new
        {
            Dynamo = new
            {
                RequestTrace = new { Enabled = true, FilePath = prefix + ".jsonl" },
                Models = new[] { TestConfigs.Model("mock", new { Name = "mocker", DecodeItlMs = 0, OutputTokens = 3, KvBlockSize = 16 }) },
            },
        }))
        {
            var shared = string.Concat(Enumerable.Repeat("the same long system prompt ", 20));
            for (var i = 0; i < 4; i++)
            {
                using (var response = await server.PostJsonAsync("/v1/completions", JsonSerializer.Serialize(new { model = "mock", prompt = shared + $"question {i}" })))
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                await Task.Delay(300); // replayed at these gaps, each request is done before the next arrives
            }
        }
        var requests = TraceFiles.Read([prefix + ".jsonl"]);
        Assert.Equal(4, requests.Count);
        Assert.All(requests, r => Assert.Equal((r.InputLength + 15) / 16, r.BlockHashes.Count));
        Assert.Equal(requests[0].BlockHashes.Take(30), requests[3].BlockHashes.Take(30));

        var output = new StringWriter();
        Assert.Equal(0, await ReplayCommand.RunAsync([prefix + ".jsonl", "--routers", "kv", "--workers", "2", "--block-tokens", "16", "--json", Plugins], output));
        var kv = Assert.Single(Results(output.ToString()));
        Assert.Equal((4, 0), (kv.Requests, kv.Errors));
        Assert.True(kv.KvHitRate > 0.5, $"{kv.KvHitRate:P1}");
    }

    [Fact]
    public async Task A_trace_replays_against_a_running_frontend()
    {
        var trace = Path.Combine(_dir, "frontend.jsonl");
        Assert.Equal(0, await ReplayCommand.RunAsync(["generate", "--out", trace, "--sessions", "2", "--turns", "2", "--groups", "1", "--system-blocks", "2",
            "--user-blocks", "1", "--think-ms", "100", "--session-gap-ms", "20"], TextWriter.Null));
        await using var server = await DynamoServer.StartAsync(new
        {
            Dynamo = new { Models = new[] { TestConfigs.Model("mock", new { Name = "mocker", DecodeItlMs = 1, KvBlockSize = 16, OutputTokens = 100 }) } },
        });
        var output = new StringWriter();
        Assert.Equal(0, await ReplayCommand.RunAsync([trace, "--url", server.BaseAddress.ToString(), "--model", "mock", "--block-tokens", "16", "--output-tokens", "3", "--json"], output));
        var result = Assert.Single(Results(output.ToString()));
        Assert.Equal(("(frontend)", 4, 0), (result.Router, result.Requests, result.Errors));
        Assert.True(result.KvHitRate > 0, $"{result.KvHitRate:P1}"); // the shared system prompt and the first turns recur
    }

    [Theory]
    [InlineData(new[] { "--block-tokens", "24" }, "multiple of the workers' KV block size")]
    [InlineData(new[] { "--speedup", "0" }, "--speedup")]
    public async Task Bad_options_are_refused_naming_them(string[] options, string message)
    {
        var trace = Path.Combine(_dir, "one.jsonl");
        await File.WriteAllTextAsync(trace, """{"timestamp":0,"input_length":600,"output_length":4,"hash_ids":[1,2]}""" + "\n");
        var ex = await Assert.ThrowsAsync<DynamoConfigurationException>(() => ReplayCommand.RunAsync([trace, .. options], TextWriter.Null));
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public async Task A_line_that_is_neither_format_is_refused_with_its_place()
    {
        var trace = Path.Combine(_dir, "bad.jsonl");
        await File.WriteAllTextAsync(trace, """{"timestamp":0,"input_length":600,"output_length":4,"hash_ids":[1,2]}""" + "\n{\"timestamp\":\n");
        var ex = Assert.Throws<DynamoConfigurationException>(() => TraceFiles.Read([trace]));
        Assert.Contains("bad.jsonl:2", ex.Message);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
