using System.Net;
using System.Text.Json;
using Dynamo.Abstractions.KvCache;
using Dynamo.Testing;
using Dynamo.Runtime.Workers;

namespace Dynamo.Host.Tests.Pipeline;

/// <summary>
/// <c>agent_hints.speculative_prefill</c>: the next turn's prefix (the reply rendered as the next
/// request renders it, reasoning dropped by the template) is cached before the harness comes back.
/// </summary>
public sealed class SpeculativePrefillTests
{
    // Drops reasoning from history, as Qwen3's and DeepSeek-R1's templates do.
    private const string Template = "{% for m in messages %}<|{{ m.role }}|>{{ m.content }}<|end|>{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}";

    private static object Config() => new
    {
        Dynamo = new
        {
            Models = new[]
            {
                new Dictionary<string, object>
                {
                    ["Name"] = "thinker",
                    ["Engine"] = new { Name = "mocker", DecodeItlMs = 0, KvBlockSize = 4, OutputText = "<think>Let me weigh the options at some length first.</think>Use the second one." },
                    ["Tokenizer"] = "bytes",
                    ["ChatTemplate"] = new { Name = "jinja", Template },
                    ["ReasoningParser"] = "deepseek_r1",
                },
            },
        },
    };

    private static string Turn(bool speculative, bool stream, params (string Role, string Content)[] messages) => JsonSerializer.Serialize(new
    {
        model = "thinker",
        messages = messages.Select(m => new { role = m.Role, content = m.Content }),
        stream,
        stream_options = stream ? new { include_usage = true } : null,
        nvext = new { agent_hints = new { speculative_prefill = speculative } },
    });

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public async Task The_next_turn_finds_the_rendered_reply_cached_only_with_the_hint(bool speculative, bool stream)
    {
        await using var server = await DynamoServer.StartAsync(Config());
        var engine = ((LocalWorker)server.Model("thinker").Workers[0]).Engine;
        // The warm-up's prompt ends with the rendered reply's last block: wait for it to be stored.
        var warmed = new SemaphoreSlim(0);
        var rendered = "<|user|>Which one?<|end|><|assistant|>Use the second one.<|end|>";
        var last = KvBlockHasher.HashBlocks(rendered.Select(c => (int)c).ToArray(), 4)[^1].SequenceHash;
        engine.KvEventPublished += e => { if (e is KvBlocksStored s && s.Blocks.Any(b => b.SequenceHash == last)) warmed.Release(); };
        using var first = await server.PostJsonAsync("/v1/chat/completions", Turn(speculative, stream, ("user", "Which one?")));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await first.Content.ReadAsStringAsync();
        Assert.Equal(speculative, await warmed.WaitAsync(TimeSpan.FromSeconds(speculative ? 10 : 0.3)));
        await WaitIdle(engine);

        using var second = await server.PostJsonAsync("/v1/chat/completions", Turn(false, false,
            ("user", "Which one?"), ("assistant", "Use the second one."), ("user", "Why?")));
        using var body = JsonDocument.Parse(await second.Content.ReadAsStringAsync());
        var cached = body.RootElement.GetProperty("usage").GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32();

        // Without: only "<|user|>Which one?<|end|><|assistant|>" is shared with turn 1 (its output began with <think>).
        // With: the whole rendered reply and its end marker too.
        var shared = speculative ? rendered : "<|user|>Which one?<|end|><|assistant|>";
        Assert.Equal(shared.Length / 4 * 4, cached);
    }

    private static async Task WaitIdle(Dynamo.Abstractions.Engines.IEngine engine)
    {
        for (var i = 0; i < 500 && engine.Load.ActiveRequests + engine.Load.WaitingRequests > 0; i++)
            await Task.Delay(10);
    }
}
