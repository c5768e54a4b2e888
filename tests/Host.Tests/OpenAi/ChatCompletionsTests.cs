using System.Net;
using System.Text.Json;
using Dynamo.Testing;

namespace Dynamo.Host.Tests.OpenAi;

public sealed class ChatCompletionsTests : IAsyncLifetime
{
    private DynamoServer _server = null!;

    public async Task InitializeAsync() => _server = await DynamoServer.StartAsync(TestConfigs.Default());

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<JsonElement> ChatAsync(string body)
    {
        using var response = await _server.PostJsonAsync("/v1/chat/completions", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType!.ToString());
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Fact]
    public async Task NonStreamingChatHasOpenAisShape()
    {
        var json = await ChatAsync("""{"model":"mock","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"Hello"}],"max_tokens":10,"seed":3}""");

        Assert.StartsWith("chatcmpl-", json.GetProperty("id").GetString());
        Assert.Equal("chat.completion", json.GetProperty("object").GetString());
        Assert.Equal("mock", json.GetProperty("model").GetString());
        Assert.InRange(json.GetProperty("created").GetInt64(), DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var choice = Assert.Single(json.GetProperty("choices").EnumerateArray());
        Assert.Equal(0, choice.GetProperty("index").GetInt32());
        Assert.Equal("assistant", choice.GetProperty("message").GetProperty("role").GetString());
        Assert.False(string.IsNullOrWhiteSpace(choice.GetProperty("message").GetProperty("content").GetString()));
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        var usage = json.GetProperty("usage");
        Assert.Equal(10, usage.GetProperty("completion_tokens").GetInt32());
        // The plain template: "system: be brief\nuser: Hello\nassistant:" in the byte tokenizer.
        Assert.Equal("system: be brief\nuser: Hello\nassistant:".Length, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(usage.GetProperty("prompt_tokens").GetInt32() + 10, usage.GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task SameSeedSameTextOtherSeedOtherText()
    {
        static string Body(int seed) => $$"""{"model":"mock","messages":[{"role":"user","content":"Hi"}],"seed":{{seed}}}""";
        static string Content(JsonElement j) => j.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;

        var a = Content(await ChatAsync(Body(1)));
        var b = Content(await ChatAsync(Body(1)));
        var c = Content(await ChatAsync(Body(2)));

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public async Task StreamingChatSendsRoleFirstThenContentThenFinishThenUsageThenDone()
    {
        const string body = """{"model":"mock","messages":[{"role":"user","content":"Hi"}],"seed":5,"max_tokens":20,"stream":true,"stream_options":{"include_usage":true}}""";
        var whole = await ChatAsync(body.Replace(""","stream":true,"stream_options":{"include_usage":true}""", ""));

        using var response = await _server.PostJsonAsync("/v1/chat/completions", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        var events = await Sse.ReadAllAsync(response);
        var chunks = Sse.Json(events);

        Assert.Equal("[DONE]", events[^1]);
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.Single(chunks.Select(c => c.GetProperty("id").GetString()).Distinct());
        Assert.Equal("assistant", chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        var usageChunk = chunks[^1];
        Assert.Empty(usageChunk.GetProperty("choices").EnumerateArray());
        Assert.Equal(20, usageChunk.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        var finish = chunks[^2].GetProperty("choices")[0];
        Assert.Equal("length", finish.GetProperty("finish_reason").GetString());
        var content = string.Concat(chunks.SkipLast(1).Select(c => c.GetProperty("choices")[0].GetProperty("delta"))
            .Select(d => d.TryGetProperty("content", out var t) ? t.GetString() : ""));
        Assert.Equal(whole.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString(), content);
        Assert.All(chunks.SkipLast(2), c => Assert.Equal(JsonValueKind.Null, c.GetProperty("choices")[0].GetProperty("finish_reason").ValueKind));
    }

    [Fact]
    public async Task WithoutIncludeUsageTheStreamHasNoUsageChunk()
    {
        using var response = await _server.PostJsonAsync("/v1/chat/completions", """{"model":"echo","messages":[{"role":"user","content":"abc"}],"stream":true}""");
        var chunks = Sse.Json(await Sse.ReadAllAsync(response));

        Assert.All(chunks, c => Assert.False(c.TryGetProperty("usage", out _)));
        Assert.Equal("stop", chunks[^1].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task EchoStreamsMultiByteCharactersWhole()
    {
        const string text = "naïve café — 日本語 🚀";
        using var response = await _server.PostJsonAsync("/v1/chat/completions",
            JsonSerializer.Serialize(new { model = "echo", stream = true, messages = new[] { new { role = "user", content = text } } }));
        var deltas = Sse.Json(await Sse.ReadAllAsync(response))
            .Select(c => c.GetProperty("choices")[0].GetProperty("delta"))
            .Select(d => d.TryGetProperty("content", out var t) ? t.GetString()! : "").ToList();

        Assert.Equal(text, string.Concat(deltas));
        Assert.DoesNotContain(deltas, d => d.Contains('\uFFFD'));
        Assert.Contains("🚀", deltas); // four bytes, four tokens, one delta
    }

    [Fact]
    public async Task StopStringsEndTheOutputAndNeverLeak()
    {
        var json = await ChatAsync("""{"model":"echo","messages":[{"role":"user","content":"one two STOP three"}],"stop":["STOP","never"]}""");
        var choice = json.GetProperty("choices")[0];

        Assert.Equal("one two ", choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());

        using var response = await _server.PostJsonAsync("/v1/chat/completions", """{"model":"echo","messages":[{"role":"user","content":"one two STOP three"}],"stop":"STOP","stream":true}""");
        var streamed = string.Concat(Sse.Json(await Sse.ReadAllAsync(response))
            .Select(c => c.GetProperty("choices")[0].GetProperty("delta"))
            .Select(d => d.TryGetProperty("content", out var t) ? t.GetString() : ""));
        Assert.Equal("one two ", streamed);
    }

    [Fact]
    public async Task MaxCompletionTokensAndMaxTokensBothLimitTheOutput()
    {
        var a = await ChatAsync("""{"model":"echo","messages":[{"role":"user","content":"abcdefgh"}],"max_completion_tokens":3}""");
        var b = await ChatAsync("""{"model":"echo","messages":[{"role":"user","content":"abcdefgh"}],"max_tokens":5}""");

        Assert.Equal("abc", a.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("length", a.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal("abcde", b.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
    }

    [Fact]
    public async Task ArrayContentToolMessagesAndAssistantToolCallsAreAccepted()
    {
        var json = await ChatAsync("""
            {"model":"mock","max_tokens":4,"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}],
             "tool_choice":"auto","user":"u1","top_p":0.9,"top_k":40,"temperature":0.7,
             "messages":[
               {"role":"user","content":[{"type":"text","text":"Weather"},{"type":"text","text":"in SF?"}]},
               {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"SF\"}"}}]},
               {"role":"tool","tool_call_id":"call_1","content":"sunny"}]}
            """);

        Assert.Equal(4, json.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task NvextIsParsedAndCarriedToTheEngine()
    {
        // osl is the mocker's output length when it is below max_tokens: proof the hint reached the engine.
        var json = await ChatAsync("""
            {"model":"mock","messages":[{"role":"user","content":"Hi"}],"max_tokens":100,
             "nvext":{"agent_context":{"session_type_id":"coder","session_id":"s1","trajectory_id":"t1","parent_trajectory_id":"t0"},
                      "agent_hints":{"priority":5,"osl":7,"speculative_prefill":false,"latency_sensitivity":0.5}}}
            """);

        Assert.Equal(7, json.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal("stop", json.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }
}
