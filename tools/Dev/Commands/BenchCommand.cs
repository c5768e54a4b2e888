using System.Diagnostics;
using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.Plugins;
using Dynamo.Abstractions.Requests;
using Dynamo.Host.Configuration;
using Dynamo.Runtime.Configuration;
using Dynamo.Runtime.Plugins;

namespace Dynamo.Dev.Commands;

/// <summary>
/// <c>dynamo-dev bench engine --model FILE</c>: drives any engine plugin through its contract and prints
/// time to first token and prefill speed for a long prompt, and decode speed at several batch sizes.
/// </summary>
internal static class BenchCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        if (args.FirstOrDefault() != "engine")
            throw new DynamoConfigurationException("usage: dynamo-dev bench engine --model FILE [--engine llama] [--prompt-tokens 512] [--decode-tokens 64] [--batches 1,4,16] [--device auto|cpu|cuda]");
        var rest = args[1..];
        (var model, rest) = DynamoConfiguration.TakeOption(rest, "--model");
        (var engineName, rest) = DynamoConfiguration.TakeOption(rest, "--engine");
        (var promptText, rest) = DynamoConfiguration.TakeOption(rest, "--prompt-tokens");
        (var decodeText, rest) = DynamoConfiguration.TakeOption(rest, "--decode-tokens");
        (var batchText, rest) = DynamoConfiguration.TakeOption(rest, "--batches");
        (var device, rest) = DynamoConfiguration.TakeOption(rest, "--device");
        if (model is null)
            throw new DynamoConfigurationException("dynamo-dev bench engine needs --model FILE.");
        var promptTokens = promptText is null ? 512 : Arguments.Int(promptText, "--prompt-tokens");
        var decodeTokens = decodeText is null ? 64 : Arguments.Int(decodeText, "--decode-tokens");
        var batches = (batchText ?? "1,4,16").Split(',').Select(b => Arguments.Int(b, "--batches")).ToArray();

        using var app = ToolHost.Build(rest);
        var registry = app.Services.GetRequiredService<ComponentRegistry>();
        var options = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MaxBatchSize"] = batches.Max().ToString(),
            ["KvCapacityTokens"] = (batches.Max() * (16 + decodeTokens) + promptTokens + 64).ToString(),
            ["Device"] = device ?? "cpu",
        }).Build();
        await using var engine = registry.Create<IEngine>(ComponentKind.Engine,
            new ComponentContext("bench", engineName ?? "llama", options, app.Services) { ModelPath = model, WorkerId = "bench/0" });

        output.WriteLine($"dynamo-dev bench engine: {Path.GetFileName(model)}, engine {engineName ?? "llama"}, device {device ?? "cpu"}, {Environment.ProcessorCount} cores");
        if (promptTokens > engine.Descriptor.MaxContextLength - 2)
        {
            promptTokens = engine.Descriptor.MaxContextLength - 2;
            output.WriteLine($"(the model's context is {engine.Descriptor.MaxContextLength} tokens: the prompt is cut to {promptTokens})");
        }
        // Warm-up: the JIT's optimised code, thread-pool threads and first touch of the weights, for every shape measured.
        await RunBatchAsync(engine, 1, promptTokens, 1);
        foreach (var batch in batches)
            await RunBatchAsync(engine, batch, 16, Math.Min(decodeTokens, 16));
        var ttft = Median(await Repeat(() => RunBatchAsync(engine, 1, promptTokens, 1)), r => r.Ttft.TotalMilliseconds);
        output.WriteLine($"prefill  {promptTokens} tokens: time to first token {ttft:F1} ms, {promptTokens / ttft * 1000:F0} tokens/s (median of {Runs})");
        foreach (var batch in batches)
        {
            var decode = Median(await Repeat(() => RunBatchAsync(engine, batch, 16, decodeTokens)), r => r.DecodeTokensPerSecond);
            output.WriteLine($"decode   batch {batch,2}: {decode:F1} tokens/s ({decode / batch:F1} per sequence, median of {Runs})");
        }
        return 0;
    }

    private const int Runs = 3;

    private static int _prompts;

    private static async Task<List<T>> Repeat<T>(Func<Task<T>> run)
    {
        var results = new List<T>();
        for (var i = 0; i < Runs; i++)
            results.Add(await run());
        return results;
    }

    private static double Median<T>(List<T> runs, Func<T, double> value) => runs.Select(value).Order().ElementAt(runs.Count / 2);

    /// <returns>The first sequence's time to first token, and decode tokens/s over the whole batch.</returns>
    private static async Task<(TimeSpan Ttft, double DecodeTokensPerSecond)> RunBatchAsync(IEngine engine, int batch, int promptTokens, int maxTokens)
    {
        var clock = Stopwatch.StartNew();
        var runs = await Task.WhenAll(Enumerable.Range(0, batch).Select(async b =>
        {
            // A fresh prompt every time, so the prefix cache never turns prefill into a copy.
            var random = new Random(Interlocked.Increment(ref _prompts));
            var prompt = Enumerable.Range(0, promptTokens).Select(_ => random.Next(3, 259)).ToArray();
            var request = new EngineRequest($"bench-{b}", prompt, SamplingParams.Greedy, new StopConditions(maxTokens, [], IgnoreEos: true), RequestMetadata.Empty);
            TimeSpan? first = null;
            var tokens = 0;
            await foreach (var output in engine.GenerateAsync(request, CancellationToken.None))
            {
                first ??= clock.Elapsed;
                tokens += output.TokenIds.Count;
            }
            return (First: first!.Value, Last: clock.Elapsed, Tokens: tokens);
        }));
        var decodeTokens = runs.Sum(r => r.Tokens - 1);
        var decodeTime = runs.Max(r => r.Last) - runs.Min(r => r.First);
        return (runs[0].First, decodeTokens / Math.Max(decodeTime.TotalSeconds, 1e-9));
    }
}
