using System.Text.Json;
using Dynamo.Testing;

namespace Dynamo.Host.Tests.OpenAi;

/// <summary>The llama plugin serving the team's small trained model (stories260K) through the whole pipeline.</summary>
public sealed class RealModelTests : IAsyncLifetime
{
    private DynamoServer _server = null!;

    public async Task InitializeAsync() => _server = await DynamoServer.StartAsync(new
    {
        Dynamo = new
        {
            Models = new[]
            {
                new { Name = "stories", Path = DynamoServer.DefaultModel, Engine = "llama", Tokenizer = "gguf", ChatTemplate = "plain" },
            },
        },
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<JsonElement> PostAsync(string path, string body)
    {
        using var response = await _server.PostJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Fact]
    public async Task GreedyCompletionContinuesTheStoryAndStreamsTheSameText()
    {
        const string body = """{"model":"stories","prompt":"Once upon a time","max_tokens":24,"temperature":0}""";
        var whole = await PostAsync("/v1/completions", body);
        var text = whole.GetProperty("choices")[0].GetProperty("text").GetString()!;

        using var response = await _server.PostJsonAsync("/v1/completions", body.Replace("\"temperature\":0", "\"temperature\":0,\"stream\":true"));
        var streamed = string.Concat(Sse.Json(await Sse.ReadAllAsync(response)).Select(c => c.GetProperty("choices")[0].GetProperty("text").GetString()));

        Assert.StartsWith(", there was a little girl named Lily.", text);
        Assert.Equal(text, streamed);
        Assert.Equal(24, whole.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task ARepeatedConversationReportsCachedPromptTokens()
    {
        const string body = """{"model":"stories","max_tokens":4,"temperature":0,"messages":[{"role":"system","content":"You tell short stories for children about animals in the forest."},{"role":"user","content":"Tell me one about a fox."}]}""";

        var first = await PostAsync("/v1/chat/completions", body);
        var second = await PostAsync("/v1/chat/completions", body);

        Assert.Equal(0, first.GetProperty("usage").GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
        var prompt = second.GetProperty("usage").GetProperty("prompt_tokens").GetInt32();
        var cached = second.GetProperty("usage").GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32();
        Assert.Equal((prompt - 1) / 16 * 16, cached);
        Assert.Equal(first.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString(),
            second.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
    }
}
