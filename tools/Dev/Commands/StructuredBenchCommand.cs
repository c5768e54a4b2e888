using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Dynamo.Abstractions.Constraints;
using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.Plugins;
using Dynamo.Abstractions.Preprocessing;
using Dynamo.Abstractions.Requests;
using Dynamo.Host.Configuration;
using Dynamo.Runtime.Configuration;
using Dynamo.Runtime.Models;
using Dynamo.Runtime.Plugins;

namespace Dynamo.Dev.Commands;

/// <summary>
/// <c>dynamo-dev bench structured --model FILE</c>: structured output on a real engine. First decode
/// throughput with a JSON Schema constraint against the same engine without one, in the same run, per batch
/// size; then every schema of the corpus forced through the model (a noise model: random weights over a real
/// vocabulary), plain and closing on budget, each output checked by a JSON Schema library.
/// </summary>
internal static class StructuredBenchCommand
{
    public const string Usage = "usage: dynamo-dev bench structured --model FILE.gguf [--schemas FILE.jsonl] [--grammar pda] [--batches 1,16] [--decode-tokens 64] [--decode-total 12288] [--max-tokens 128] [--seed 1]";

    private const int MinRounds = 2;

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        (var model, args) = DynamoConfiguration.TakeOption(args, "--model");
        (var schemasPath, args) = DynamoConfiguration.TakeOption(args, "--schemas");
        (var grammarName, args) = DynamoConfiguration.TakeOption(args, "--grammar");
        (var batchText, args) = DynamoConfiguration.TakeOption(args, "--batches");
        (var decodeText, args) = DynamoConfiguration.TakeOption(args, "--decode-tokens");
        (var totalText, args) = DynamoConfiguration.TakeOption(args, "--decode-total");
        (var maxText, args) = DynamoConfiguration.TakeOption(args, "--max-tokens");
        (var seedText, args) = DynamoConfiguration.TakeOption(args, "--seed");
        if (model is null || !File.Exists(model))
            throw new DynamoConfigurationException($"dynamo-dev bench structured needs --model FILE.gguf (a model with its vocabulary).\n{Usage}");
        var batches = (batchText ?? "1,16").Split(',').Select(b => Arguments.Int(b, "--batches")).ToArray();
        var decodeTokens = decodeText is null ? 64 : Arguments.Int(decodeText, "--decode-tokens");
        var decodeTotal = totalText is null ? 12_288 : Arguments.Int(totalText, "--decode-total");
        var maxTokens = maxText is null ? 128 : Arguments.Int(maxText, "--max-tokens");
        var seed = seedText is null ? 1 : Arguments.Int(seedText, "--seed");
        schemasPath ??= Path.Combine(RepoFiles.Find("bench"), "schemas.jsonl");
        if (!File.Exists(schemasPath))
            throw new DynamoConfigurationException($"--schemas: {schemasPath} does not exist.");
        var schemas = File.ReadLines(schemasPath).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

        using var app = ToolHost.Build(args);
        var registry = app.Services.GetRequiredService<ComponentRegistry>();
        var empty = new ConfigurationBuilder().Build();
        var tokenizer = registry.Create<ITokenizer>(ComponentKind.Tokenizer, new ComponentContext("bench", "gguf", empty, app.Services) { ModelPath = model });
        // Compiled once per schema, as the runtime's per-model cache does.
        var grammar = new GrammarCache(registry.Create<IGrammarCompiler>(ComponentKind.Grammar, new ComponentContext("bench", grammarName ?? "pda", empty, app.Services)), grammarName ?? "pda");
        var concurrency = batches.Max();
        var options = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MaxBatchSize"] = concurrency.ToString(),
            ["KvCapacityTokens"] = (concurrency * (32 + Math.Max(decodeTokens, maxTokens)) + 64).ToString(),
            ["Device"] = "cpu",
        }).Build();
        await using var engine = registry.Create<IEngine>(ComponentKind.Engine,
            new ComponentContext("bench", "llama", options, app.Services) { ModelPath = model, WorkerId = "bench/0", Grammar = grammar, Tokenizer = tokenizer });
        output.WriteLine($"dynamo-dev bench structured: {Path.GetFileName(model)} ({tokenizer.VocabSize} tokens), grammar {grammarName ?? "pda"}, {schemas.Count} schemas, {Environment.ProcessorCount} cores");

        // Decode throughput: each constrained batch, then a plain batch of the same lengths (a grammar may end a
        // sequence early, and a shorter batch is a slower one), alternating so both see the same machine.
        var specs = schemas.Select(s => new JsonSchemaGrammar(s.GetProperty("schema"))).ToList();
        var validators = schemas.Select(s => SchemaDialect.Validator(s.GetProperty("schema"))).ToList();
        var requests = 0;
        async Task<(TimeSpan Time, int[] Tokens)> Batch(int batch, int[]? lengths)
        {
            var clock = Stopwatch.StartNew();
            var runs = await Task.WhenAll(Enumerable.Range(0, batch).Select(async b =>
            {
                var id = Interlocked.Increment(ref requests);
                var random = new Random(id);
                var request = new EngineRequest($"bench-{id}", Enumerable.Range(0, 16).Select(_ => random.Next(3, 259)).ToArray(),
                    new SamplingParams(Seed: id), new StopConditions(lengths?[b] ?? decodeTokens, [], IgnoreEos: true), RequestMetadata.Empty)
                {
                    Constraint = lengths is null ? new EngineConstraint(specs[id % specs.Count]) : null,
                };
                TimeSpan? first = null;
                var tokens = 0;
                await foreach (var result in engine.GenerateAsync(request, CancellationToken.None))
                {
                    first ??= clock.Elapsed;
                    tokens += result.TokenIds.Count;
                }
                return (First: first ?? clock.Elapsed, Last: clock.Elapsed, Tokens: tokens);
            }));
            return (runs.Max(r => r.Last) - runs.Min(r => r.First), [.. runs.Select(r => Math.Max(r.Tokens, 1))]);
        }
        foreach (var batch in batches)
            await Batch(batch, (await Batch(batch, null)).Tokens); // warm-up: JIT, threads, first touch of the weights
        output.WriteLine($"decode, up to {decodeTokens} tokens per sequence, temperature 1, each schema of the corpus in turn (every grammar compiled before):");
        foreach (var spec in specs)
            grammar.Compile(spec, tokenizer);
        foreach (var batch in batches)
        {
            var (plainTime, constrainedTime, tokens) = (TimeSpan.Zero, TimeSpan.Zero, 0L);
            // Small batches get more rounds: each side decodes about --decode-total tokens, past the noise.
            var rounds = Math.Max(MinRounds, decodeTotal / (batch * decodeTokens));
            for (var round = 0; round < rounds; round++)
            {
                var constrained = await Batch(batch, null);
                var plain = await Batch(batch, constrained.Tokens);
                (constrainedTime, plainTime) = (constrainedTime + constrained.Time, plainTime + plain.Time);
                tokens += constrained.Tokens.Sum(t => t - 1); // the first token of each is prefill's
            }
            var (p, c) = (tokens / plainTime.TotalSeconds, tokens / constrainedTime.TotalSeconds);
            output.WriteLine($"  batch {batch,2}: without a constraint {p:F1} tokens/s, with one {c:F1} tokens/s: ratio {c / p:F3} ({rounds} rounds, {tokens / (rounds * batch):F1} tokens per sequence)");
        }

        // Every schema through the noise model: plain, then closing on budget.
        var strict = new UTF8Encoding(false, true);
        foreach (var closing in new[] { false, true })
        {
            var (finished, valid, invalid, cut) = (0, 0, new List<string>(), new List<string>());
            var clock = Stopwatch.StartNew();
            var gate = new SemaphoreSlim(concurrency);
            await Task.WhenAll(schemas.Select(async (entry, i) =>
            {
                await gate.WaitAsync();
                try
                {
                    var name = entry.GetProperty("name").GetString()!;
                    var request = new EngineRequest($"schema-{closing}-{i}", [1, 3 + i % 200, 4], new SamplingParams(Seed: seed + i),
                        new StopConditions(maxTokens, tokenizer.EosTokenIds), RequestMetadata.Empty)
                    {
                        Constraint = new EngineConstraint(specs[i], closing),
                    };
                    var tokens = new List<int>();
                    FinishReason? reason = null;
                    await foreach (var result in engine.GenerateAsync(request, CancellationToken.None))
                    {
                        tokens.AddRange(result.TokenIds);
                        reason = result.FinishReason ?? reason;
                    }
                    if (reason != FinishReason.Stop)
                    {
                        lock (cut)
                            cut.Add(name);
                        return;
                    }
                    Interlocked.Increment(ref finished);
                    var bytes = tokens.SelectMany(tokenizer.TokenBytes).ToArray();
                    string? errors;
                    try
                    {
                        errors = SchemaDialect.Errors(validators[i], JsonDocument.Parse(strict.GetString(bytes)).RootElement);
                    }
                    catch (Exception ex) when (ex is JsonException or DecoderFallbackException)
                    {
                        errors = ex.Message;
                    }
                    if (errors is null)
                        Interlocked.Increment(ref valid);
                    else
                        lock (invalid)
                            invalid.Add($"{name}: {errors}\n    {Encoding.UTF8.GetString(bytes)}");
                }
                finally
                {
                    gate.Release();
                }
            }));
            output.WriteLine($"{(closing ? "closing on budget" : "plain")}, max_tokens {maxTokens}: {finished} finished ({valid} valid, {invalid.Count} invalid), {cut.Count} cut by length ({100.0 * cut.Count / schemas.Count:F1}%), {clock.Elapsed.TotalSeconds:F1} s");
            if (closing && cut.Count > 0)
                output.WriteLine($"  cut although closing (their shortest output is longer than max_tokens): {string.Join(", ", cut.Order())}");
            foreach (var line in invalid)
                output.WriteLine($"  INVALID {line}");
            if (invalid.Count > 0)
                return 1;
        }
        return 0;
    }
}
