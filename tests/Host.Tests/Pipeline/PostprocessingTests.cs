using System.Text.Json;
using Dynamo.Testing;

namespace Dynamo.Host.Tests.Pipeline;

/// <summary>The echo engine answers with the user message, so model-shaped text drives the parsers through HTTP.</summary>
public sealed class PostprocessingTests : IAsyncLifetime
{
    private const string ModelOutput = "<think>user wants weather</think>Let me check.<call>{\"name\":\"get_weather\",\"arguments\":{\"city\":\"SF\"}}</call>";
    private DynamoServer _server = null!;

    public async Task InitializeAsync() => _server = await DynamoServer.StartAsync(new
    {
        Dynamo = new
        {
            Models = new[] { TestConfigs.Model("echo-parsed", new { Name = "echo" }, new { ReasoningParser = "test-think", ToolCallParser = "test-tools" }) },
        },
    }, inProcess: typeof(TestThinkParserFactory).Assembly);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static string Body(bool stream, bool tools = true) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["model"] = "echo-parsed",
        ["stream"] = stream,
        ["messages"] = new[] { new { role = "user", content = ModelOutput } },
        ["tools"] = tools ? new object[] { new { type = "function", function = new { name = "get_weather" } } } : [],
    });

    [Fact]
    public async Task NonStreamingSplitsReasoningContentAndToolCalls()
    {
        using var response = await _server.PostJsonAsync("/v1/chat/completions", Body(stream: false));
        var choice = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("choices")[0];
        var message = choice.GetProperty("message");

        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        Assert.Equal("user wants weather", message.GetProperty("reasoning_content").GetString());
        Assert.Equal("Let me check.", message.GetProperty("content").GetString());
        var call = Assert.Single(message.GetProperty("tool_calls").EnumerateArray());
        Assert.Equal("function", call.GetProperty("type").GetString());
        Assert.Equal("get_weather", call.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("""{"city":"SF"}""", call.GetProperty("function").GetProperty("arguments").GetString());
    }

    [Fact]
    public async Task StreamingSendsTheSameThroughDeltas()
    {
        using var response = await _server.PostJsonAsync("/v1/chat/completions", Body(stream: true));
        var deltas = Sse.Json(await Sse.ReadAllAsync(response)).Select(c => c.GetProperty("choices")[0]).ToList();

        Assert.Equal("tool_calls", deltas[^1].GetProperty("finish_reason").GetString());
        var all = deltas.Select(d => d.GetProperty("delta")).ToList();
        Assert.Equal("user wants weather", string.Concat(all.Select(d => d.TryGetProperty("reasoning_content", out var r) ? r.GetString() : "")));
        Assert.Equal("Let me check.", string.Concat(all.Select(d => d.TryGetProperty("content", out var c) ? c.GetString() : "")));
        var call = Assert.Single(all.Where(d => d.TryGetProperty("tool_calls", out _)).SelectMany(d => d.GetProperty("tool_calls").EnumerateArray()));
        Assert.Equal(0, call.GetProperty("index").GetInt32());
        Assert.Equal("call_0", call.GetProperty("id").GetString());
        Assert.Equal("get_weather", call.GetProperty("function").GetProperty("name").GetString());
    }

    [Fact]
    public async Task WithoutToolsToolMarkupStaysContent()
    {
        using var response = await _server.PostJsonAsync("/v1/chat/completions", Body(stream: false, tools: false));
        var message = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("choices")[0].GetProperty("message");

        Assert.StartsWith("Let me check.<call>", message.GetProperty("content").GetString());
        Assert.False(message.TryGetProperty("tool_calls", out _));
    }
}
