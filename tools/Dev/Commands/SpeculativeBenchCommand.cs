using Dynamo.Runtime.Configuration;

namespace Dynamo.Dev.Commands;

/// <summary>
/// <c>dynamo-dev bench speculative [--config FILE --model NAME]</c>: multi-turn sessions where the
/// harness spends <c>--tool-ms</c> on a tool between turns, run without and then with
/// <c>agent_hints.speculative_prefill</c>, same seed. Prints TTFT of turns 2+ and the cached share
/// of their prompts. By default the model is a mocker that reasons (<c>&lt;think&gt;…</c>) behind a
/// template that drops reasoning from history, as Qwen3's does; <c>--config</c> points at any
/// configuration (a real model, say).
/// </summary>
internal static class SpeculativeBenchCommand
{
    private const string StripReasoning = "{% for m in messages %}<|{{ m.role }}|>{{ m.content }}<|end|>{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}";

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var sessions = Arguments.Int(args, "--sessions", 8);
        var turns = Arguments.Int(args, "--turns", 4);
        var toolMs = Arguments.Int(args, "--tool-ms", 200);
        int? maxTokens = Arguments.Option(args, "--max-tokens", "") is { Length: > 0 } m ? Arguments.Int(m, "--max-tokens") : null;
        var seed = Arguments.Int(args, "--seed", 1);
        var configFile = Arguments.Option(args, "--config", "");
        var model = Arguments.Option(args, "--model", "thinker");
        if (sessions < 1 || turns < 2 || toolMs < 0 || maxTokens is < 1)
            throw new DynamoConfigurationException("--sessions must be positive, --turns at least 2, --tool-ms 0 or more, --max-tokens positive.");
        var settings = args.Where(a => a.StartsWith("--Dynamo:", StringComparison.Ordinal)).ToArray();
        output.WriteLine($"dynamo-dev bench speculative: model {model} ({(configFile.Length > 0 ? configFile : "a reasoning mocker")}), {sessions} sessions × {turns} turns, " +
            $"{toolMs} ms of tool time between turns, {(maxTokens is { } n ? $"{n} output tokens" : "the model's own output length")}, seed {seed}");
        output.WriteLine("speculative prefill | TTFT turns 2+ p50/p90/p99 ms | cached share of turn 2+ prompts | errors");
        var file = configFile.Length > 0 ? configFile : await BenchClient.WriteConfigAsync(ReasoningMocker());
        foreach (var speculative in new[] { false, true })
        {
            var (app, http) = await BenchClient.StartHostAsync(file, settings);
            await using var _ = app;
            using var __ = http;
            var (ttfts, results) = (new List<double>(), new Lock());
            long prompt = 0, cached = 0;
            var errors = 0;
            await Task.WhenAll(Enumerable.Range(0, sessions).Select(async s =>
            {
                var random = new Random(seed * 1000 + s);
                var messages = new List<object> { new { role = "user", content = $"Task {s}: {BenchClient.Words(random, 400)}" } };
                for (var turn = 0; turn < turns; turn++)
                {
                    try
                    {
                        var nvext = new { agent_hints = new { speculative_prefill = speculative } };
                        var (ttft, _, answer, usage) = await BenchClient.TurnAsync(http, model, messages, nvext, maxTokens);
                        if (turn > 0)
                            lock (results)
                            {
                                ttfts.Add(ttft);
                                (prompt, cached) = (prompt + usage.Prompt, cached + usage.Cached);
                            }
                        // The harness sends back the answer without its reasoning, runs the tool, then comes back.
                        messages.Add(new { role = "assistant", content = answer });
                        await Task.Delay(toolMs);
                        messages.Add(new { role = "user", content = $"Tool result: {BenchClient.Words(random, 100)}" });
                    }
                    catch (Exception e) when (e is HttpRequestException or InvalidOperationException or TaskCanceledException)
                    {
                        Interlocked.Increment(ref errors);
                    }
                }
            }));
            output.WriteLine($"{(speculative ? "on" : "off"),-19} | {BenchClient.Percentiles(ttfts),-28} | {(prompt == 0 ? 0 : (double)cached / prompt),32:P1} | {errors,6}");
        }
        if (configFile.Length == 0)
            File.Delete(file);
        return 0;
    }

    // Reasons for 240 tokens, answers in about 30; prefill at 5,000 tokens/s so recomputing reasoning-free history costs time.
    private static object ReasoningMocker() => new
    {
        Dynamo = new
        {
            Models = new[]
            {
                new Dictionary<string, object>
                {
                    ["Name"] = "thinker",
                    ["Engine"] = new
                    {
                        Name = "mocker", PrefillTokensPerSecond = 5_000, DecodeItlMs = 2, KvBlockSize = 16, KvCapacityBlocks = 4096, MaxContextLength = 16384,
                        OutputText = "<think>" + string.Concat(Enumerable.Repeat("weighing the options again, ", 8)) + "</think>Use the second option, it is safer.",
                    },
                    ["Router"] = "kv",
                    ["Replicas"] = 2,
                    ["Tokenizer"] = "bytes",
                    ["ChatTemplate"] = new { Name = "jinja", Template = StripReasoning },
                    ["ReasoningParser"] = "deepseek_r1",
                },
            },
        },
    };
}
