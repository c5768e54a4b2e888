using System.ClientModel;
using Dynamo.Testing;
using OpenAI;
using OpenAI.Chat;

namespace Dynamo.Host.Tests.OpenAi;

/// <summary>The official OpenAI .NET client against the live server.</summary>
public sealed class OfficialClientTests : IAsyncLifetime
{
    private DynamoServer _server = null!;

    public async Task InitializeAsync() => _server = await DynamoServer.StartAsync(TestConfigs.Default());

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private ChatClient Client(string model) =>
        new(model, new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = new Uri(_server.BaseAddress, "/v1") });

    [Fact]
    public async Task NonStreaming()
    {
        ChatCompletion completion = await Client("echo").CompleteChatAsync(
            [new SystemChatMessage("ignored by last-user"), new UserChatMessage("Hello from the official client")],
            new ChatCompletionOptions { MaxOutputTokenCount = 200, Temperature = 0 });

        Assert.Equal("Hello from the official client", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal(ChatMessageRole.Assistant, completion.Role);
        Assert.Equal(30, completion.Usage.OutputTokenCount);
    }

    [Fact]
    public async Task Streaming()
    {
        var text = "";
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        await foreach (var update in Client("mock").CompleteChatStreamingAsync(
            [new UserChatMessage("Tell me a story")], new ChatCompletionOptions { MaxOutputTokenCount = 12 }))
        {
            text += string.Concat(update.ContentUpdate.Select(p => p.Text));
            finish ??= update.FinishReason;
            usage ??= update.Usage;
        }

        Assert.Equal(ChatFinishReason.Length, finish);
        Assert.Equal(12, usage!.OutputTokenCount);
        Assert.Equal(12, System.Text.Encoding.UTF8.GetByteCount(text));
    }
}
