using Anthropic;
using Anthropic.Core;
using Anthropic.Models.Messages;
using Dynamo.Testing;

namespace Dynamo.Host.Tests.Anthropic;

/// <summary>The official Anthropic .NET SDK against the live server: text from a real model, and a whole tool loop.</summary>
public sealed class AnthropicSdkTests : IAsyncLifetime
{
    private const string WeatherCall = """<tool_call>{"name": "get_weather", "arguments": {"city": "Paris"}}</tool_call>""";

    private DynamoServer _server = null!;

    public async Task InitializeAsync() => _server = await DynamoServer.StartAsync(new
    {
        Dynamo = new
        {
            ModelAliases = new Dictionary<string, string> { ["claude-*"] = "agent" },
            Models = new object[]
            {
                new { Name = "stories260K", Path = DynamoServer.DefaultModel, Engine = "llama", Tokenizer = "gguf", ChatTemplate = "plain" },
                TestConfigs.Model("agent", new { Name = "mocker", DecodeItlMs = 0, Script = new[] { "Let me look. " + WeatherCall, "It is sunny in Paris." } },
                    new { ToolCallParser = "hermes" }),
            },
        },
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private AnthropicClient Client() => new(new ClientOptions { BaseUrl = _server.BaseAddress.ToString().TrimEnd('/'), ApiKey = "unused", MaxRetries = 0 });

    private static string Text(Message message) => string.Concat(message.Content.Select(b => b.TryPickText(out var text) ? text.Text : ""));

    [Fact]
    public async Task A_real_model_answers_whole_and_streamed()
    {
        // This SDK version sends no sampling settings: the model samples at its default temperature.
        var parameters = new MessageCreateParams
        {
            Model = "stories260K",
            MaxTokens = 24,
            Messages = [new MessageParam(new UserMessageParam("Once upon a time"), null)],
        };
        var message = await Client().Messages.Create(parameters);
        var streamed = new System.Text.StringBuilder();
        string? stopReason = null;
        await foreach (var streamEvent in Client().Messages.CreateStreaming(parameters))
        {
            if (streamEvent.TryPickContentBlockDelta(out var delta) && delta.Delta.TryPickText(out var text))
                streamed.Append(text.Text);
            if (streamEvent.TryPickDelta(out var messageDelta))
                stopReason = messageDelta.Delta.StopReason?.Raw();
        }

        Assert.False(string.IsNullOrWhiteSpace(Text(message)));
        Assert.False(string.IsNullOrWhiteSpace(streamed.ToString()));
        Assert.Equal("max_tokens", message.StopReason?.Raw());
        Assert.Equal("max_tokens", stopReason);
        Assert.Equal(24, message.Usage.OutputTokens);
        Assert.StartsWith("msg_", message.ID);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_tool_loop_the_model_calls_the_client_answers_the_model_finishes(bool stream)
    {
        var tools = new List<ToolUnion>
        {
            new Tool
            {
                Name = "get_weather",
                Description = "Current weather for a city.",
                InputSchema = new InputSchema { Properties = new Dictionary<string, System.Text.Json.JsonElement>
                    { ["city"] = System.Text.Json.JsonSerializer.SerializeToElement(new { type = "string" }) } },
            },
        };
        var messages = new List<MessageParam> { new(new UserMessageParam("What is the weather in Paris?"), null) };

        // Turn 1: the model asks for the tool. The model name is Claude's, reached through an alias.
        var first = await SendAsync(new MessageCreateParams { Model = "claude-sonnet-4-5", MaxTokens = 32000, Tools = tools, Messages = messages }, stream);
        Assert.Equal("tool_use", first.StopReason);
        var call = Assert.Single(first.Calls);
        Assert.Equal("get_weather", call.Name);
        Assert.Equal("Paris", call.Input["city"].GetString());
        Assert.Equal("Let me look.", first.Text.Trim());

        // Turn 2: the client ran it and sends the result back.
        messages.Add(new MessageParam(new AssistantMessageParam(new List<ContentBlockParam>
        {
            new TextBlockParam("Let me look."),
            new ToolUseBlockParam { ID = call.Id, Name = call.Name, Input = call.Input },
        }), null));
        messages.Add(new MessageParam(new UserMessageParam(new List<ContentBlockParam>
        {
            new ToolResultBlockParam(call.Id) { Content = "sunny, 21 degrees" },
        }), null));
        var second = await SendAsync(new MessageCreateParams { Model = "claude-sonnet-4-5", MaxTokens = 32000, Tools = tools, Messages = messages }, stream);
        Assert.Equal("end_turn", second.StopReason);
        Assert.Empty(second.Calls);
        Assert.Equal("It is sunny in Paris.", second.Text);
    }

    private sealed record Turn(string Text, List<(string Id, string Name, IReadOnlyDictionary<string, System.Text.Json.JsonElement> Input)> Calls, string? StopReason);

    /// <summary>One turn, whole or streamed (then put together from the deltas, as a client does).</summary>
    private async Task<Turn> SendAsync(MessageCreateParams parameters, bool stream)
    {
        if (!stream)
        {
            var message = await Client().Messages.Create(parameters);
            var calls = message.Content.Select(b => b.TryPickToolUse(out var use) ? use : null).OfType<ToolUseBlock>()
                .Select(u => (u.ID, u.Name, u.Input)).ToList();
            return new Turn(Text(message), calls, message.StopReason?.Raw());
        }
        var text = new System.Text.StringBuilder();
        var json = new Dictionary<long, System.Text.StringBuilder>();
        var starts = new Dictionary<long, ToolUseBlock>();
        string? stop = null;
        await foreach (var streamEvent in Client().Messages.CreateStreaming(parameters))
        {
            if (streamEvent.TryPickContentBlockStart(out var start) && start.ContentBlock.TryPickToolUse(out var use))
                (starts[start.Index], json[start.Index]) = (use, new System.Text.StringBuilder());
            if (streamEvent.TryPickContentBlockDelta(out var delta))
            {
                if (delta.Delta.TryPickText(out var t))
                    text.Append(t.Text);
                if (delta.Delta.TryPickInputJson(out var partial))
                    json[delta.Index].Append(partial.PartialJson);
            }
            if (streamEvent.TryPickDelta(out var messageDelta))
                stop = messageDelta.Delta.StopReason?.Raw();
        }
        var streamedCalls = starts.OrderBy(s => s.Key).Select(s => (s.Value.ID, s.Value.Name,
            (IReadOnlyDictionary<string, System.Text.Json.JsonElement>)System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, System.Text.Json.JsonElement>>(json[s.Key].ToString())!)).ToList();
        return new Turn(text.ToString(), streamedCalls, stop);
    }
}
