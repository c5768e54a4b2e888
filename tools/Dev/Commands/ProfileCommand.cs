using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.Planner;
using Dynamo.Host.Configuration;
using Dynamo.Runtime.Configuration;
using Dynamo.Runtime.Models;
using Microsoft.Extensions.Options;

namespace Dynamo.Dev.Commands;

/// <summary>
/// <c>dynamo-dev profile</c>: Dynamo's profiler. Sweeps one engine configuration on this machine (time to first token
/// by input length, inter-token latency by batch size and context length, KV capacity) and writes the
/// <see cref="PerformanceProfile"/> the planner sizes worker pools with. The engine is built exactly as a worker
/// builds it: <c>--engine NAME [--model FILE]</c> makes a one-model configuration (its model is
/// <c>Dynamo:Models:0</c>), <c>[--config FILE] --model-name NAME</c> takes a model of a configuration file (the
/// shipped one without <c>--config</c>); <c>--Dynamo:…=VALUE</c> arguments override either, engine options included.
/// </summary>
internal static class ProfileCommand
{
    public const string Usage = "usage: dynamo-dev profile [--engine NAME] [--model FILE] | [--config FILE] --model-name NAME [--out profile.json] " +
        "[--input-lengths 128,256,…] [--max-input N] [--batches 1,2,4,…] [--max-batch N] [--contexts 128,512,…] [--decode-tokens 32] [--runs 3] [--warmup 2] [--Dynamo:…=VALUE …]";

    // Tokens beyond the measured ones that each decode request may write: room for the step where the last prompt
    // finishes and the cancellation that ends the window.
    private const int Slack = 8;

    // Tries at a decode point, the window four times longer each time: a fast engine needs many tokens for its minimum time.
    private const int Attempts = 4;

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        (var engineName, var rest) = DynamoConfiguration.TakeOption(args, "--engine");
        (var modelFile, rest) = DynamoConfiguration.TakeOption(rest, "--model");
        (var configFile, rest) = DynamoConfiguration.TakeOption(rest, "--config");
        (var modelName, rest) = DynamoConfiguration.TakeOption(rest, "--model-name");
        (var outFile, rest) = DynamoConfiguration.TakeOption(rest, "--out");
        (var lengthsText, rest) = DynamoConfiguration.TakeOption(rest, "--input-lengths");
        (var maxInputText, rest) = DynamoConfiguration.TakeOption(rest, "--max-input");
        (var batchesText, rest) = DynamoConfiguration.TakeOption(rest, "--batches");
        (var maxBatchText, rest) = DynamoConfiguration.TakeOption(rest, "--max-batch");
        (var contextsText, rest) = DynamoConfiguration.TakeOption(rest, "--contexts");
        (var decodeText, rest) = DynamoConfiguration.TakeOption(rest, "--decode-tokens");
        (var runsText, rest) = DynamoConfiguration.TakeOption(rest, "--runs");
        (var warmupText, rest) = DynamoConfiguration.TakeOption(rest, "--warmup");
        if (rest.FirstOrDefault(a => !a.StartsWith("--Dynamo:", StringComparison.Ordinal)) is { } unknown)
            throw new DynamoConfigurationException($"unknown argument '{unknown}'. {Usage}");
        if (modelName is not null && (engineName is not null || modelFile is not null))
            throw new DynamoConfigurationException($"--model-name picks a model of a configuration: give it, or --engine and --model, not both. {Usage}");
        if (configFile is not null && modelName is null)
            throw new DynamoConfigurationException($"--config needs --model-name (the model to profile). {Usage}");
        var settings = new Settings(
            List(lengthsText, "--input-lengths"), List(batchesText, "--batches"), List(contextsText, "--contexts"),
            maxInputText is null ? int.MaxValue : Positive(Arguments.Int(maxInputText, "--max-input"), "--max-input"),
            maxBatchText is null ? int.MaxValue : Positive(Arguments.Int(maxBatchText, "--max-batch"), "--max-batch"),
            decodeText is null ? 32 : Arguments.Int(decodeText, "--decode-tokens"),
            runsText is null ? 3 : Positive(Arguments.Int(runsText, "--runs"), "--runs"),
            TimeSpan.FromSeconds(warmupText is null ? 2 : Arguments.Double(warmupText, "--warmup")));
        if (settings.DecodeTokens < 2 || settings.Warmup < TimeSpan.Zero)
            throw new DynamoConfigurationException("--decode-tokens must be at least 2 and --warmup 0 or more.");

        var clock = Stopwatch.StartNew();
        // --engine: a configuration of one model, in a temp file removed at the end.
        string? written = null;
        if (modelName is null)
        {
            engineName ??= "llama";
            // The llama engine's example is the model that ships beside the tool.
            modelFile ??= engineName == "llama" ? Path.Combine(AppContext.BaseDirectory, "models", "stories260K.gguf") : null;
            modelName = modelFile is null ? engineName : Path.GetFileNameWithoutExtension(modelFile);
            written = configFile = await BenchClient.WriteConfigAsync(new Dictionary<string, object>
            {
                ["Dynamo"] = new Dictionary<string, object>
                {
                    ["Models"] = new[] { OneModel(modelName, engineName, modelFile) },
                },
            });
        }
        try
        {
            using var app = ToolHost.Build(configFile is null ? rest : ["--config", configFile, .. rest]);
            var models = app.Services.GetRequiredService<IOptions<DynamoOptions>>().Value.Models;
            var model = models.FirstOrDefault(m => m.Name == modelName)
                ?? throw new DynamoConfigurationException($"The configuration has no model '{modelName}'; it has {string.Join(", ", models.Select(m => $"'{m.Name}'"))}.");
            var factory = app.Services.GetRequiredService<ModelFactory>();
            var parts = new List<object>();
            try
            {
                var tokenizer = factory.CreateTokenizer(model);
                parts.Add(tokenizer);
                var engine = factory.CreateEngine(model, $"{model.Name}/profile", tokenizer, parts);
                var described = modelFile ?? model.Name;
                var profile = await SweepAsync(engine, model.Engine.Name, described, tokenizer.VocabSize, settings, output);
                var json = JsonSerializer.Serialize(profile, ProfileJson.Default.PerformanceProfile);
                if (outFile == "-")
                    output.WriteLine(json);
                else
                    await File.WriteAllTextAsync(outFile ??= "profile.json", json + "\n");
                output.WriteLine($"{(outFile == "-" ? "profile" : $"wrote {outFile}")}: {profile.Prefill.Count} prefill points, {profile.Decode.Count} decode points, " +
                    $"KV {profile.KvCapacityTokens} tokens, in {clock.Elapsed.TotalSeconds:F1} s");
            }
            finally
            {
                await ModelFactory.DisposeAllAsync(parts);
            }
        }
        finally
        {
            if (written is not null)
                File.Delete(written);
        }
        return 0;
    }

    private static async Task<PerformanceProfile> SweepAsync(IEngine engine, string engineName, string model, int vocabulary, Settings settings, TextWriter output)
    {
        var d = engine.Descriptor;
        var grid = ProfileGrid.For(d, settings.InputLengths, settings.Batches, settings.Contexts, settings.MaxInput, settings.MaxBatch);
        var sweep = new ProfileSweep(engine, vocabulary);
        output.WriteLine($"dynamo-dev profile: engine {engineName}, model {model}, {Environment.ProcessorCount} cores; context {d.MaxContextLength}, " +
            $"batch up to {d.MaxBatchSize}, KV {d.KvCapacityBlocks} blocks × {d.KvBlockSize} tokens");
        bool Fits(int batch, int context, int maxTokens) =>
            batch <= d.MaxBatchSize && context + maxTokens <= d.MaxContextLength
            // An engine without a KV cache of its own (echo) reports none: nothing to fit.
            && (d.KvCapacityBlocks <= 0 || (long)batch * ((context + maxTokens + d.KvBlockSize - 1) / d.KvBlockSize) <= d.KvCapacityBlocks);

        if (grid.InputLengths.FirstOrDefault(l => l >= d.MaxContextLength) is > 0 and var tooLong)
            throw new DynamoConfigurationException($"--input-lengths: {tooLong} leaves no room for a token in a context of {d.MaxContextLength}.");

        // Warm-up: the JIT's optimised code, threads started, weights touched, for the shapes measured.
        var warming = Stopwatch.StartNew();
        while (warming.Elapsed < settings.Warmup)
        {
            await sweep.PrefillMsAsync(grid.InputLengths[0]);
            if (grid.Batches.Where(b => Fits(b, grid.Contexts[0], 4 + Slack)).DefaultIfEmpty().Max() is > 0 and var widest)
                await sweep.DecodeAsync(widest, grid.Contexts[0], 4, 4 + Slack);
        }

        var prefill = new List<PrefillPoint>();
        foreach (var length in grid.InputLengths)
        {
            var runs = new List<double>();
            for (var i = 0; i < settings.Runs; i++)
                runs.Add(await sweep.PrefillMsAsync(length));
            var ms = runs.Order().ElementAt(runs.Count / 2);
            prefill.Add(new PrefillPoint(length, Math.Round(ms, 3)));
            output.WriteLine($"prefill {length,6} tokens: {ms,9:F2} ms, {length / ms * 1000,9:F0} tokens/s (median of {settings.Runs})");
        }

        var decode = new List<DecodePoint>();
        foreach (var context in grid.Contexts)
        {
            var line = new List<string>();
            var ahead = 0;
            foreach (var batch in grid.Batches)
            {
                // Chunked prefill lets the first prompts decode while later ones prefill: room for that, from the last batch's lead.
                var window = settings.DecodeTokens;
                var maxTokens = Math.Min(window + Slack + 2 * ahead, d.MaxContextLength - context);
                string? failed = null;
                var itl = (double?)null;
                var attempts = 0;
                for (; attempts < Attempts && itl is null && failed is null && Fits(batch, context, maxTokens); attempts++)
                {
                    try
                    {
                        (itl, ahead) = await sweep.DecodeAsync(batch, context, window, maxTokens);
                    }
                    catch (EngineException e)
                    {
                        failed = e.Message;
                    }
                    // Too short a window: the first ones finished before the last began (room for their lead), or too
                    // few tokens for the minimum time (more of them).
                    window *= 4;
                    maxTokens = Math.Min(window + Slack + ahead * 3 / 2, d.MaxContextLength - context);
                }
                if (itl is { } ms)
                    decode.Add(new DecodePoint(batch, context, Math.Round(ms, 3)));
                line.Add(itl is { } value ? $"{batch} {value:F2}"
                    : failed is not null ? $"{batch} failed ({failed})"
                    : attempts > 0 ? $"{batch} ?" : $"{batch} —");
            }
            output.WriteLine($"decode context {context,6}: ITL ms by batch {string.Join(", ", line)}");
        }
        output.WriteLine("(— the batch does not fit the context or KV cache; ? no window where the whole batch decoded could be timed)");
        if (decode.Count == 0)
            throw new DynamoConfigurationException("No decode point fits this engine's context and KV cache: give smaller --contexts or --decode-tokens.");
        return new PerformanceProfile(engineName, model, d.KvBlockSize, (long)d.KvCapacityBlocks * d.KvBlockSize, prefill, decode);
    }

    private static object OneModel(string name, string engine, string? path)
    {
        var model = new Dictionary<string, object> { ["Name"] = name, ["Engine"] = new Dictionary<string, object> { ["Name"] = engine } };
        if (path is not null)
            model["Path"] = Path.GetFullPath(path);
        return model;
    }

    private static int[]? List(string? text, string name) =>
        text?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => Positive(Arguments.Int(v, name), name)).Distinct().Order().ToArray();

    private static int Positive(int value, string name) =>
        value >= 1 ? value : throw new DynamoConfigurationException($"{name} must be positive, got {value.ToString(CultureInfo.InvariantCulture)}.");

    private sealed record Settings(int[]? InputLengths, int[]? Batches, int[]? Contexts, int MaxInput, int MaxBatch, int DecodeTokens, int Runs, TimeSpan Warmup);
}
