using Dynamo.Runtime.Configuration;

namespace Dynamo.Dev.Commands;

/// <summary>
/// <c>dynamo-dev bench offload</c>: sessions whose shared prefixes together exceed the device KV cache
/// come back for more turns after the others have pushed them out. Runs with no offload tiers, with
/// host memory, and with a small host tier spilling to disk; prints TTFT of the returning turns and
/// the prompt tokens that had to be prefilled (not served from device or tiers).
/// </summary>
internal static class OffloadBenchCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var sessions = Arguments.Int(args, "--sessions", 8);
        var turns = Arguments.Int(args, "--turns", 3);
        var prefixChars = Arguments.Int(args, "--prefix-chars", 1200);
        var modelFile = Arguments.Option(args, "--model", "");
        var deviceTokens = Arguments.Int(args, "--device-tokens", 2048);
        var shared = Path.GetFullPath(Arguments.Option(args, "--shared", "../shared"));
        var vocabulary = Path.Combine(shared, "vocab", "ggml-vocab-llama-spm.gguf");
        var path = modelFile.Length > 0 ? Path.GetFullPath(modelFile) : vocabulary;
        if (!File.Exists(path))
            throw new DynamoConfigurationException(modelFile.Length > 0 ? $"--model {path} does not exist."
                : $"The default model (tiny-random) uses the Llama 2 vocabulary at {vocabulary}; pass --shared DIR or --model FILE.gguf.");
        if (sessions < 1 || turns < 2)
            throw new DynamoConfigurationException("--sessions must be positive and --turns at least 2.");
        var disk = Directory.CreateTempSubdirectory("dynamo-bench-kv-").FullName;
        var settings = args.Where(a => a.StartsWith("--Dynamo:", StringComparison.Ordinal)).ToArray();
        output.WriteLine($"dynamo-dev bench offload: {(modelFile.Length > 0 ? Path.GetFileName(path) : "tiny-random (Llama 2 vocabulary, random weights)")} on the CPU, {sessions} sessions × {turns} turns, " +
            $"one after another, prefixes of {prefixChars} characters, device KV cache {deviceTokens} tokens");
        output.WriteLine("tiers            | TTFT returning turns p50/p90/p99 ms | prompt tokens prefilled (returning turns) | cached | errors");
        (string Name, object[] Tiers)[] modes =
        [
            ("none", []),
            ("host", [new { Name = "host-memory", CpuCacheGb = 1 }]),
            ("host+disk", [new { Name = "host-memory", CpuCacheGb = 0.002 }, new { Name = "disk", Folder = disk, DiskCacheGb = 1 }]),
        ];
        foreach (var (name, tiers) in modes)
        {
            var (app, http, config) = await BenchClient.StartHostAsync(new
            {
                Dynamo = new
                {
                    Models = new[]
                    {
                        new Dictionary<string, object>
                        {
                            ["Name"] = "agent",
                            ["Path"] = path,
                            ["Engine"] = new { Name = "llama", RandomWeights = modelFile.Length == 0, KvCapacityTokens = deviceTokens, MaxBatchSize = 1, Device = "cpu" },
                            ["Tokenizer"] = "gguf",
                            ["ChatTemplate"] = "plain",
                            ["KvTiers"] = tiers,
                        },
                    },
                },
            }, settings);
            await using var _ = app;
            using var __ = http;
            var random = new Random(1);
            var conversations = Enumerable.Range(0, sessions)
                .Select(s => new List<object> { new { role = "system", content = BenchClient.Words(random, prefixChars) }, new { role = "user", content = $"Task {s}." } })
                .ToList();
            var (ttfts, prefilled, cached, errors) = (new List<double>(), 0L, 0L, 0);
            for (var turn = 0; turn < turns; turn++)
                foreach (var messages in conversations)
                {
                    try
                    {
                        var (ttft, _, answer, usage) = await BenchClient.TurnAsync(http, "agent", messages, maxTokens: 8);
                        if (turn > 0)
                            (prefilled, cached) = (prefilled + usage.Prompt - usage.Cached, cached + usage.Cached);
                        if (turn > 0)
                            ttfts.Add(ttft);
                        messages.Add(new { role = "assistant", content = answer });
                        messages.Add(new { role = "user", content = $"Tool result: {BenchClient.Words(random, 80)}" });
                    }
                    catch (Exception e) when (e is HttpRequestException or InvalidOperationException or TaskCanceledException)
                    {
                        errors++;
                    }
                }
            File.Delete(config);
            output.WriteLine($"{name,-16} | {BenchClient.Percentiles(ttfts),-35} | {prefilled,41} | {(prefilled + cached == 0 ? 0 : (double)cached / (prefilled + cached)),6:P0} | {errors,6}");
        }
        Directory.Delete(disk, recursive: true);
        return 0;
    }
}
