using System.Text.Json;
using Dynamo.Testing;

namespace Dynamo.Host.Tests.Pipeline;

/// <summary>
/// What the runtime tells the parser plugins beyond the text: the request's thinking switch (Qwen3's
/// template opens &lt;think&gt; unless thinking is off) and that the output ended at a stop token
/// (gpt-oss's &lt;|call|&gt;, which the engine does not show).
/// </summary>
public sealed class ThinkingAndStopTokenTests : IAsyncLifetime
{
    private const string Harmony = "<|channel|>analysis<|message|>Need the weather.<|end|><|start|>assistant<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{\"city\": \"SF\"}";

    private DynamoServer _server = null!;

    public async Task InitializeAsync() => _server = await DynamoServer.StartAsync(TestConfigs.Default(1 << 20,
        TestConfigs.Model("qwen3-mock", new { Name = "mocker", DecodeItlMs = 0.1, PrefillTokensPerSecond = 1_000_000, OutputText = "Weighing it up.</think>Plain answer" },
            new { ReasoningParser = "qwen3" }),
        TestConfigs.Model("gpt-oss-mock", new { Name = "mocker", DecodeItlMs = 0.1, PrefillTokensPerSecond = 1_000_000, OutputText = Harmony },
            new { ReasoningParser = "gpt_oss", ToolCallParser = "harmony" })));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<JsonElement> ChatAsync(string model, bool? thinking = null, int maxTokens = 1000)
    {
        var body = new Dictionary<string, object>
        {
            ["model"] = model,
            ["max_tokens"] = maxTokens,
            ["messages"] = new[] { new { role = "user", content = "Weather?" } },
            ["tools"] = new[] { new { type = "function", function = new { name = "get_weather", parameters = new { type = "object" } } } },
        };
        if (thinking is { } on)
            body["chat_template_kwargs"] = new { enable_thinking = on };
        using var response = await _server.PostJsonAsync("/v1/chat/completions", JsonSerializer.Serialize(body));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("choices")[0];
    }

    [Fact]
    public async Task TheThinkingSwitchReachesTheReasoningParser()
    {
        var on = (await ChatAsync("qwen3-mock")).GetProperty("message");
        Assert.Equal(("Weighing it up.", "Plain answer"), (on.GetProperty("reasoning_content").GetString(), on.GetProperty("content").GetString()));

        // Thinking off: the template opened no thought, so nothing is reasoning and the stray tag is dropped.
        var off = (await ChatAsync("qwen3-mock", thinking: false)).GetProperty("message");
        Assert.False(off.TryGetProperty("reasoning_content", out var r) && r.ValueKind == JsonValueKind.String, off.ToString());
        Assert.Equal("Weighing it up.Plain answer", off.GetProperty("content").GetString());
    }

    [Fact]
    public async Task AHarmonyCallThatEndsAtTheStopTokenIsACallAndOneCutByLengthIsNot()
    {
        var stopped = await ChatAsync("gpt-oss-mock");
        Assert.Equal("tool_calls", stopped.GetProperty("finish_reason").GetString());
        var call = Assert.Single(stopped.GetProperty("message").GetProperty("tool_calls").EnumerateArray()).GetProperty("function");
        Assert.Equal(("get_weather", "{\"city\": \"SF\"}"), (call.GetProperty("name").GetString(), call.GetProperty("arguments").GetString()));
        Assert.Equal("Need the weather.", stopped.GetProperty("message").GetProperty("reasoning_content").GetString());

        // Cut short by max_tokens inside the call: no call, and no harmony markup as content.
        var cut = await ChatAsync("gpt-oss-mock", maxTokens: Harmony.Length - 4);
        Assert.Equal("length", cut.GetProperty("finish_reason").GetString());
        Assert.False(cut.GetProperty("message").TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array && calls.GetArrayLength() > 0);
        var content = cut.GetProperty("message").TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        Assert.True(string.IsNullOrEmpty(content), content);
    }
}
