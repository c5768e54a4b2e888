using System.Net;
using System.Text.Json;
using Dynamo.Testing;

namespace Dynamo.Host.Tests.Anthropic;

/// <summary>The Messages API on the wire, as Claude Code reads it: the event sequence, pings, thinking, token counts and prefix reuse.</summary>
public sealed class MessagesStreamTests
{
    private const string Answer = """<think>The weather tool knows.</think>Let me look. <tool_call>{"name": "get_weather", "arguments": {"city": "Paris"}}</tool_call>""";

    private static object Config(bool stripBillingHeader = true, double pingSeconds = 10, double itlMs = 0) => new
    {
        Dynamo = new
        {
            Anthropic = new { StripBillingHeader = stripBillingHeader, PingIntervalSeconds = pingSeconds },
            Models = new[]
            {
                TestConfigs.Model("agent", new { Name = "mocker", DecodeItlMs = itlMs, KvBlockSize = 16, MaxContextLength = 65536, Script = new[] { Answer } },
                    new { ToolCallParser = "hermes", ReasoningParser = "qwen3" }),
                TestConfigs.Model("words", new { Name = "mocker", DecodeItlMs = 0, OutputTokens = 48 }, new { ReasoningParser = "deepseek_r1" }),
            },
        },
    };

    private static readonly object[] Tools = [new { name = "get_weather", description = "Current weather.", input_schema = new { type = "object", properties = new { city = new { type = "string" } } } }];

    private static string Body(bool stream, object? extra = null) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["model"] = "agent",
        ["max_tokens"] = 32000,
        ["stream"] = stream,
        ["tools"] = Tools,
        ["messages"] = new[] { new { role = "user", content = "What is the weather in Paris?" } },
    }.Concat(extra is null ? [] : JsonSerializer.SerializeToElement(extra).EnumerateObject().Select(p => new KeyValuePair<string, object?>(p.Name, p.Value)))
        .GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Last().Value));

    [Fact]
    public async Task A_stream_opens_fills_and_closes_every_block_in_order_and_ends_with_usage()
    {
        await using var server = await DynamoServer.StartAsync(Config());
        using var response = await server.PostJsonAsync("/v1/messages?beta=true", Body(stream: true));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = await Sse.ReadNamedAsync(response);

        foreach (var (name, data) in events)
            Assert.Equal(name, data.GetProperty("type").GetString()); // the event line names the data's type
        var names = events.Select(e => e.Name).Where(n => n != "ping").ToList();
        Assert.Equal("message_start", names[0]);
        Assert.Equal(["message_delta", "message_stop"], names[^2..]);

        // Blocks: one open at a time, indices 0, 1, 2 in order, every delta inside its open block.
        var blocks = new List<(string Type, System.Text.StringBuilder Text, string? Signature)>();
        int? open = null;
        foreach (var (name, data) in events)
        {
            switch (name)
            {
                case "content_block_start":
                    Assert.Null(open);
                    open = data.GetProperty("index").GetInt32();
                    Assert.Equal(blocks.Count, open);
                    blocks.Add((data.GetProperty("content_block").GetProperty("type").GetString()!, new(), null));
                    break;
                case "content_block_delta":
                    Assert.Equal(open, data.GetProperty("index").GetInt32());
                    var delta = data.GetProperty("delta");
                    var block = blocks[open!.Value];
                    switch (delta.GetProperty("type").GetString())
                    {
                        case "thinking_delta": Assert.Equal("thinking", block.Type); block.Text.Append(delta.GetProperty("thinking").GetString()); break;
                        case "signature_delta": Assert.Equal("thinking", block.Type); blocks[open.Value] = block with { Signature = delta.GetProperty("signature").GetString() }; break;
                        case "text_delta": Assert.Equal("text", block.Type); block.Text.Append(delta.GetProperty("text").GetString()); break;
                        case "input_json_delta": Assert.Equal("tool_use", block.Type); block.Text.Append(delta.GetProperty("partial_json").GetString()); break;
                        case var other: Assert.Fail($"unexpected delta {other}"); break;
                    }
                    break;
                case "content_block_stop":
                    Assert.Equal(open, data.GetProperty("index").GetInt32());
                    open = null;
                    break;
                case "message_delta":
                    Assert.Null(open); // every block closed before the message ends
                    Assert.Equal("tool_use", data.GetProperty("delta").GetProperty("stop_reason").GetString());
                    Assert.True(data.GetProperty("usage").GetProperty("output_tokens").GetInt32() > 0);
                    break;
            }
        }
        Assert.Equal(["thinking", "text", "tool_use"], blocks.Select(b => b.Type));
        Assert.Equal("The weather tool knows.", blocks[0].Text.ToString());
        Assert.False(string.IsNullOrEmpty(blocks[0].Signature));
        Assert.Equal("Let me look.", blocks[1].Text.ToString().Trim());
        Assert.Equal("Paris", JsonDocument.Parse(blocks[2].Text.ToString()).RootElement.GetProperty("city").GetString());

        var start = events[0].Data.GetProperty("message");
        Assert.StartsWith("msg_", start.GetProperty("id").GetString());
        Assert.Equal("assistant", start.GetProperty("role").GetString());
        Assert.True(start.GetProperty("usage").GetProperty("input_tokens").GetInt32() > 0);

        // The same answer whole carries the same blocks and the same signature.
        using var whole = await server.PostJsonAsync("/v1/messages", Body(stream: false));
        using var message = JsonDocument.Parse(await whole.Content.ReadAsStringAsync());
        var content = message.RootElement.GetProperty("content");
        Assert.Equal(["thinking", "text", "tool_use"], content.EnumerateArray().Select(b => b.GetProperty("type").GetString()));
        Assert.Equal(blocks[0].Signature, content[0].GetProperty("signature").GetString());
        Assert.False(string.IsNullOrEmpty(content[2].GetProperty("id").GetString()));
        Assert.Equal("tool_use", message.RootElement.GetProperty("stop_reason").GetString());
    }

    [Fact]
    public async Task A_slow_answer_is_kept_alive_with_pings()
    {
        await using var server = await DynamoServer.StartAsync(Config(pingSeconds: 0.05, itlMs: 40));
        using var response = await server.PostJsonAsync("/v1/messages", Body(stream: true));
        var events = await Sse.ReadNamedAsync(response);
        Assert.Contains(events, e => e.Name == "ping");
        Assert.Equal("message_start", events[0].Name);
        Assert.Equal("message_stop", events[^1].Name);
    }

    [Fact]
    public async Task Thinking_blocks_given_back_with_their_signature_are_accepted_and_count_tokens_matches_the_prompt()
    {
        await using var server = await DynamoServer.StartAsync(Config());
        var history = new object[]
        {
            new { role = "user", content = "What is the weather in Paris?" },
            new
            {
                role = "assistant",
                content = new object[]
                {
                    new { type = "thinking", thinking = "The weather tool knows.", signature = "anything-we-wrote" },
                    new { type = "redacted_thinking", data = "opaque" },
                    new { type = "text", text = "Let me look." },
                    new { type = "tool_use", id = "toolu_1", name = "get_weather", input = new { city = "Paris" } },
                },
            },
            new { role = "user", content = new object[] { new { type = "tool_result", tool_use_id = "toolu_1", content = new[] { new { type = "text", text = "timeout" } }, is_error = true } } },
            new { role = "system", content = "Keep answers short." }, // a system message mid-conversation (a beta Claude Code enables)
            new { role = "user", content = "Try again." },
        };
        using var counted = await server.PostJsonAsync("/v1/messages/count_tokens", JsonSerializer.Serialize(new { model = "agent", messages = history, system = new[] { new { type = "text", text = "You are terse.", cache_control = new { type = "ephemeral" } } } }));
        Assert.Equal(HttpStatusCode.OK, counted.StatusCode);
        var count = JsonDocument.Parse(await counted.Content.ReadAsStringAsync()).RootElement.GetProperty("input_tokens").GetInt32();

        using var answered = await server.PostJsonAsync("/v1/messages", JsonSerializer.Serialize(new { model = "agent", max_tokens = 8, messages = history, system = new[] { new { type = "text", text = "You are terse.", cache_control = new { type = "ephemeral" } } } }));
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        var usage = JsonDocument.Parse(await answered.Content.ReadAsStringAsync()).RootElement.GetProperty("usage");
        Assert.Equal(count, usage.GetProperty("input_tokens").GetInt32() + usage.GetProperty("cache_read_input_tokens").GetInt32());
    }

    [Fact]
    public async Task A_thinking_budget_ends_the_reasoning_and_the_answer_follows()
    {
        await using var server = await DynamoServer.StartAsync(Config());
        async Task<JsonElement> Ask(object? thinking)
        {
            using var response = await server.PostJsonAsync("/v1/messages", JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["model"] = "words",
                ["max_tokens"] = 48,
                ["messages"] = new[] { new { role = "user", content = "Think, then answer." } },
                ["thinking"] = thinking,
            }.Where(kv => kv.Value is not null).ToDictionary()));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        }

        // Without a budget this model reasons for its whole answer (its reasoning never ends).
        var unbounded = await Ask(null);
        Assert.Equal(["thinking"], unbounded.GetProperty("content").EnumerateArray().Select(b => b.GetProperty("type").GetString()));

        var bounded = await Ask(new { type = "enabled", budget_tokens = 6 });
        var content = bounded.GetProperty("content");
        Assert.Equal(["thinking", "text"], content.EnumerateArray().Select(b => b.GetProperty("type").GetString()));
        // The bytes tokenizer: one token a byte, so six tokens of reasoning are six bytes (the end marker is not reasoning).
        Assert.Equal(6, System.Text.Encoding.UTF8.GetByteCount(content[0].GetProperty("thinking").GetString()!));
        Assert.False(string.IsNullOrWhiteSpace(content[1].GetProperty("text").GetString()));
        Assert.Equal(48, bounded.GetProperty("usage").GetProperty("output_tokens").GetInt32());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Turn_two_reuses_turn_one_cache_unless_the_billing_line_is_kept(bool strip)
    {
        await using var server = await DynamoServer.StartAsync(Config(stripBillingHeader: strip));
        var system = string.Join(" ", Enumerable.Repeat("You are a careful coding agent working in a large repository.", 12));
        var messages = new List<object> { new { role = "user", content = "What is the weather in Paris?" } };

        async Task<(int Input, int Cached, JsonElement Content)> Turn(int turn)
        {
            // Claude Code's first system block: a billing line that differs on every request.
            var body = JsonSerializer.Serialize(new
            {
                model = "agent",
                max_tokens = 32000,
                system = new object[]
                {
                    new { type = "text", text = $"x-anthropic-billing-header: cc_version=2.1.197.{turn:x3}; cc_entrypoint=cli; cch={Guid.NewGuid():N};" },
                    new { type = "text", text = system, cache_control = new { type = "ephemeral" } },
                },
                messages,
                tools = Tools,
            });
            using var response = await server.PostJsonAsync("/v1/messages", body);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
            var usage = json.GetProperty("usage");
            return (usage.GetProperty("input_tokens").GetInt32(), usage.GetProperty("cache_read_input_tokens").GetInt32(), json.GetProperty("content"));
        }

        var first = await Turn(1);
        Assert.Equal(0, first.Cached);
        messages.Add(new { role = "assistant", content = first.Content });
        messages.Add(new { role = "user", content = new object[] { new { type = "tool_result", tool_use_id = first.Content[2].GetProperty("id").GetString(), content = "sunny" } } });
        var second = await Turn(2);

        var firstPrompt = first.Input + first.Cached;
        if (strip)
            Assert.True(second.Cached >= firstPrompt / 16 * 16 - 16, $"turn 2 read {second.Cached} cached tokens of turn 1's {firstPrompt}");
        else
            // Only what the template puts before the line (the tools) is reused: every later block's hash chains on it.
            Assert.True(second.Cached < firstPrompt / 4, $"with the billing line kept, turn 2 still read {second.Cached} cached tokens of turn 1's {firstPrompt}");
    }
}
