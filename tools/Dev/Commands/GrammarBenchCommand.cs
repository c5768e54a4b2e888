using System.Diagnostics;
using System.Text.Json;
using Dynamo.Abstractions.Constraints;
using Dynamo.Abstractions.Plugins;
using Dynamo.Abstractions.Preprocessing;
using Dynamo.Host.Configuration;
using Dynamo.Runtime.Configuration;
using Dynamo.Runtime.Plugins;

namespace Dynamo.Dev.Commands;

/// <summary>
/// <c>dynamo-dev bench grammar</c>: a MaskBench-style run of a grammar plugin. Each schema of a corpus
/// is compiled (time to first mask: compile plus the first mask), then walked by a noise model (a
/// uniformly random allowed token each step) while every mask is timed (time between masks). The
/// baseline, in the same run, is one pass over every token's bytes: the least a mask computed by
/// scanning the vocabulary would cost at each step.
/// </summary>
internal static class GrammarBenchCommand
{
    public const string Usage = "usage: dynamo-dev bench grammar [--vocab FILE.gguf] [--schemas FILE.jsonl] [--grammar pda] [--walks 4] [--max-tokens 256] [--seed 1]";

    public static Task<int> RunAsync(string[] args, TextWriter output)
    {
        (var vocab, args) = DynamoConfiguration.TakeOption(args, "--vocab");
        (var schemasPath, args) = DynamoConfiguration.TakeOption(args, "--schemas");
        (var grammarName, args) = DynamoConfiguration.TakeOption(args, "--grammar");
        (var walksText, args) = DynamoConfiguration.TakeOption(args, "--walks");
        (var maxText, args) = DynamoConfiguration.TakeOption(args, "--max-tokens");
        (var seedText, args) = DynamoConfiguration.TakeOption(args, "--seed");
        var walks = walksText is null ? 4 : Arguments.Int(walksText, "--walks");
        var maxTokens = maxText is null ? 256 : Arguments.Int(maxText, "--max-tokens");
        var seed = seedText is null ? 1 : Arguments.Int(seedText, "--seed");
        vocab ??= DefaultVocabulary();
        schemasPath ??= Path.Combine(RepoFiles.Find("bench"), "schemas.jsonl");
        if (!File.Exists(vocab))
            throw new DynamoConfigurationException($"--vocab: {vocab} does not exist.");
        if (!File.Exists(schemasPath))
            throw new DynamoConfigurationException($"--schemas: {schemasPath} does not exist.");

        using var app = ToolHost.Build(args);
        var registry = app.Services.GetRequiredService<ComponentRegistry>();
        var empty = new ConfigurationBuilder().Build();
        var tokenizer = registry.Create<ITokenizer>(ComponentKind.Tokenizer, new ComponentContext("bench", "gguf", empty, app.Services) { ModelPath = vocab });
        var compiler = registry.Create<IGrammarCompiler>(ComponentKind.Grammar, new ComponentContext("bench", grammarName ?? "pda", empty, app.Services));
        var schemas = File.ReadLines(schemasPath).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        output.WriteLine($"dynamo-dev bench grammar: {grammarName ?? "pda"}, {Path.GetFileName(vocab)} ({tokenizer.VocabSize} tokens), {schemas.Count} schemas, {walks} walks each, up to {maxTokens} tokens");

        var mask = new ulong[(tokenizer.VocabSize + 63) / 64];
        var compile = new List<double>();
        var firstMask = new List<double>();
        var between = new List<double>();
        var random = new Random(seed);
        var clock = new Stopwatch();
        var allowed = new List<int>();
        var (finished, cut, tokens) = (0, 0, 0L);
        foreach (var entry in schemas)
        {
            var spec = new JsonSchemaGrammar(entry.GetProperty("schema"));
            clock.Restart();
            var grammar = compiler.Compile(spec, tokenizer);
            var compiled = clock.Elapsed.TotalMicroseconds;
            for (var w = 0; w < walks; w++)
            {
                var matcher = grammar.CreateMatcher();
                for (var step = 0; ; step++)
                {
                    if (matcher.IsFinished || (matcher.CanEnd && random.Next(4) == 0))
                    {
                        finished++;
                        break;
                    }
                    if (step == maxTokens)
                    {
                        cut++;
                        break;
                    }
                    clock.Restart();
                    matcher.FillMask(mask);
                    var elapsed = clock.Elapsed.TotalMicroseconds;
                    if (w == 0 && step == 0)
                    {
                        compile.Add(compiled);
                        firstMask.Add(compiled + elapsed);
                    }
                    else
                    {
                        between.Add(elapsed);
                    }
                    allowed.Clear();
                    for (var word = 0; word < mask.Length; word++)
                        for (var bits = mask[word]; bits != 0; bits &= bits - 1)
                            allowed.Add(word * 64 + System.Numerics.BitOperations.TrailingZeroCount(bits));
                    if (allowed.Count == 0)
                    {
                        finished++;
                        break;
                    }
                    matcher.Accept(allowed[random.Next(allowed.Count)]);
                    tokens++;
                }
            }
        }

        // The baseline: one pass over every token's bytes.
        var pieces = Enumerable.Range(0, tokenizer.VocabSize).Select(tokenizer.TokenBytes).ToArray();
        var scans = new List<double>();
        var sink = 0L;
        for (var i = 0; i < 200; i++)
        {
            clock.Restart();
            foreach (var piece in pieces)
                foreach (var b in piece)
                    sink += b;
            scans.Add(clock.Elapsed.TotalMicroseconds);
        }
        var scan = Percentile(scans, 50);

        output.WriteLine($"time to first mask (compile + first mask): p50 {Percentile(firstMask, 50):F0} us, p99 {Percentile(firstMask, 99):F0} us (compile alone p50 {Percentile(compile, 50):F0} us)");
        output.WriteLine($"time between masks ({between.Count} masks, {tokens} tokens): p50 {Percentile(between, 50):F1} us, p90 {Percentile(between, 90):F1} us, p99 {Percentile(between, 99):F0} us, max {between.Max():F0} us");
        output.WriteLine($"baseline, one pass over every token's bytes: {scan:F1} us; ratio p50/baseline {Percentile(between, 50) / scan:F3}, p99/baseline {Percentile(between, 99) / scan:F2}");
        GC.KeepAlive(sink);
        output.WriteLine($"walks: {finished} finished, {cut} cut at {maxTokens} tokens (noise model: uniform over allowed tokens)");
        return Task.FromResult(0);
    }

    private static double Percentile(List<double> values, int percent)
    {
        if (values.Count == 0)
            return 0;
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(percent / 100.0 * sorted.Count) - 1)];
    }

    /// <summary>A 32k SentencePiece vocabulary from ../shared when it is there, else the shipped model's.</summary>
    private static string DefaultVocabulary()
    {
        var repo = Path.GetDirectoryName(RepoFiles.Find("bench"))!;
        var shared = Path.Combine(repo, "..", "shared", "vocab", "ggml-vocab-llama-spm.gguf");
        return File.Exists(shared) ? Path.GetFullPath(shared) : Path.Combine(repo, "models", "stories260K.gguf");
    }
}
