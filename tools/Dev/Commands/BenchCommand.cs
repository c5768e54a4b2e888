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
            throw new DynamoConfigurationException("usage: dynamo-dev bench engine --model FILE [--engine llama] [--prompt-tokens 512] [--decode-tokens 64] [--batches 1,4,16] [--device auto|cpu|cuda] [--json]");
        var rest = args[1..];
        (var model, rest) = DynamoConfiguration.TakeOption(rest, "--model");
        (var engineName, rest) = DynamoConfiguration.TakeOption(rest, "--engine");
        (var promptText, rest) = DynamoConfiguration.TakeOption(rest, "--prompt-tokens");
        (var decodeText, rest) = DynamoConfiguration.TakeOption(rest, "--decode-tokens");
        (var batchText, rest) = DynamoConfiguration.TakeOption(rest, "--batches");
        (var device, rest) = DynamoConfiguration.TakeOption(rest, "--device");
        var json = rest.Contains("--json");
        rest = rest.Where(a => a != "--json").ToArray();
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

        if (!json)
            output.WriteLine($"dynamo-dev bench engine: {Path.GetFileName(model)}, engine {engineName ?? "llama"}, device {device ?? "cpu"}, {Environment.ProcessorCount} cores");
        if (promptTokens > engine.Descriptor.MaxContextLength - 2)
        {
            promptTokens = engine.Descriptor.MaxContextLength - 2;
            output.WriteLine($"(the model's context is {engine.Descriptor.MaxContextLength} tokens: the prompt is cut to {promptTokens})");
        }
        // Warm-up: the JIT's optimised code (tiered compilation finishes in the background, slowly on one
        // core), thread start and first touch of the weights, for every shape measured, for at least WarmUp.
        var warming = Stopwatch.StartNew();
        do
        {
            await RunBatchAsync(engine, 1, promptTokens, 1);
            foreach (var batch in batches)
                await RunBatchAsync(engine, batch, 16, Math.Min(decodeTokens, 16));
        }
        while (warming.Elapsed < WarmUp);
        var ttft = Median(await Repeat(() => RunBatchAsync(engine, 1, promptTokens, 1)), r => r.Ttft.TotalMilliseconds);
        if (!json)
            output.WriteLine($"prefill  {promptTokens} tokens: time to first token {ttft:F1} ms, {promptTokens / ttft * 1000:F0} tokens/s (median of {Runs})");
        var decodes = new Dictionary<string, double>();
        foreach (var batch in batches)
        {
            // Decode time is the batch's whole time less that of the same batch stopping at its first token:
            // timestamps taken as outputs arrive would flatter decode on one core, where the readers only run
            // once the engine yields it.
            var prefillOnly = Median(await Repeat(() => RunBatchAsync(engine, batch, 16, 1)), r => r.Total.TotalSeconds);
            var runs = await Repeat(() => RunBatchAsync(engine, batch, 16, decodeTokens));
            var decode = runs[0].DecodeTokens / Math.Max(Median(runs, r => r.Total.TotalSeconds) - prefillOnly, 1e-9);
            decodes[batch.ToString(System.Globalization.CultureInfo.InvariantCulture)] = Math.Round(decode, 1);
            if (!json)
                output.WriteLine($"decode   batch {batch,2}: {decode:F1} tokens/s ({decode / batch:F1} per sequence, median of {Runs})");
        }
        if (json)
            output.WriteLine(System.Text.Json.JsonSerializer.Serialize(new BenchEngineResult(Path.GetFileName(model), Environment.ProcessorCount, promptTokens, Math.Round(promptTokens / ttft * 1000, 1), decodes), DevJson.Default.BenchEngineResult));
        return 0;
    }

    private const int Runs = 3;

    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(3);

    private static int _prompts;

    private static async Task<List<T>> Repeat<T>(Func<Task<T>> run)
    {
        var results = new List<T>();
        for (var i = 0; i < Runs; i++)
            results.Add(await run());
        return results;
    }

    private static double Median<T>(List<T> runs, Func<T, double> value) => runs.Select(value).Order().ElementAt(runs.Count / 2);

    /// <returns>The first sequence's time to first token, the time until every sequence finished, and the tokens after each one's first.</returns>
    private static async Task<(TimeSpan Ttft, TimeSpan Total, int DecodeTokens)> RunBatchAsync(IEngine engine, int batch, int promptTokens, int maxTokens)
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
            return (First: first!.Value, Tokens: tokens);
        }));
        return (runs[0].First, clock.Elapsed, runs.Sum(r => r.Tokens - 1));
    }
}
