using System.ComponentModel;
using Dynamo.Runtime.Models;
using Dynamo.Runtime.Workers;
using Dynamo.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Dynamo.Runtime.Tests.Chat;

/// <summary>The in-process <see cref="IChatClient"/>: the runtime's pipeline through Microsoft.Extensions.AI, no HTTP.</summary>
public sealed class ChatClientTests : IAsyncLifetime
{
    private const string WeatherCall = """<tool_call>{"name": "get_weather", "arguments": {"city": "Paris"}}</tool_call>""";

    private readonly IHost _host = RuntimeHost.Build(new
    {
        Models = new object[]
        {
            new { Name = "stories", Path = "models/stories260K.gguf", Engine = "llama", Tokenizer = "gguf", ChatTemplate = "plain" },
            // A scripted agent: a tool call on the first turn, an answer once the conversation holds the tool's result.
            TestConfigs.Model("agent", new { Name = "mocker", DecodeItlMs = 0, Script = new[] { WeatherCall, "It is sunny in Paris." } },
                new { ToolCallParser = "hermes", ReasoningParser = "basic" }),
            TestConfigs.Model("thinker", new { Name = "mocker", DecodeItlMs = 0, OutputText = "<think>Short.</think>Long answer." }, new { ReasoningParser = "qwen3" }),
            TestConfigs.Model("slow", new { Name = "mocker", DecodeItlMs = 20, OutputTokens = 5000, MaxContextLength = 8192 }),
        },
    });

    public Task InitializeAsync() => _host.StartAsync();

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    private IChatClient Client(string model) => _host.Services.GetRequiredKeyedService<IChatClient>(model);

    [Fact]
    public async Task A_real_model_answers_the_same_whole_and_streamed_with_usage()
    {
        var options = new ChatOptions { Temperature = 0, MaxOutputTokens = 24 };
        var whole = await Client("stories").GetResponseAsync("Once upon a time", options);
        var updates = await Client("stories").GetStreamingResponseAsync("Once upon a time", options).ToListAsync();

        Assert.False(string.IsNullOrWhiteSpace(whole.Text));
        Assert.Equal(whole.Text, string.Concat(updates.Select(u => u.Text)));
        Assert.Equal(ChatFinishReason.Length, whole.FinishReason);
        Assert.Equal(ChatFinishReason.Length, updates.Last(u => u.FinishReason is not null).FinishReason);
        Assert.Equal(24, whole.Usage!.OutputTokenCount);
        Assert.True(whole.Usage.InputTokenCount > 0);
        var streamedUsage = updates.SelectMany(u => u.Contents).OfType<UsageContent>().Single().Details;
        Assert.Equal(whole.Usage.InputTokenCount, streamedUsage.InputTokenCount);
        Assert.Equal("stories", whole.ModelId);
    }

    [Fact]
    public async Task Reasoning_comes_back_as_reasoning_content()
    {
        var response = await Client("thinker").GetResponseAsync("Why?");
        Assert.Equal("Short.", Assert.Single(response.Messages[0].Contents.OfType<TextReasoningContent>()).Text);
        Assert.Equal("Long answer.", response.Text);
        var streamed = await Client("thinker").GetStreamingResponseAsync("Why?").ToListAsync();
        Assert.Equal("Short.", string.Concat(streamed.SelectMany(u => u.Contents).OfType<TextReasoningContent>().Select(r => r.Text)));
        Assert.Equal("Long answer.", string.Concat(streamed.Select(u => u.Text)));

        // Reasoning.Output = None asks for the answer alone.
        var quiet = new ChatOptions { Reasoning = new ReasoningOptions { Output = ReasoningOutput.None, Effort = ReasoningEffort.Low } };
        var answerOnly = await Client("thinker").GetResponseAsync("Why?", quiet);
        Assert.Empty(answerOnly.Messages[0].Contents.OfType<TextReasoningContent>());
        Assert.Equal("Long answer.", answerOnly.Text);
        var streamedQuiet = await Client("thinker").GetStreamingResponseAsync("Why?", quiet).ToListAsync();
        Assert.Empty(streamedQuiet.SelectMany(u => u.Contents).OfType<TextReasoningContent>());
    }

    [Fact]
    public async Task A_tool_call_comes_back_as_a_function_call()
    {
        var options = new ChatOptions { Tools = [AIFunctionFactory.Create(GetWeather)] };
        var response = await Client("agent").GetResponseAsync("Weather in Paris?", options);

        var call = Assert.Single(response.Messages[0].Contents.OfType<FunctionCallContent>());
        Assert.Equal("get_weather", call.Name);
        Assert.Equal("Paris", call.Arguments!["city"]!.ToString());
        Assert.StartsWith("call_", call.CallId);
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);

        var streamed = await Client("agent").GetStreamingResponseAsync("Weather in Paris?", options).ToListAsync();
        var streamedCall = Assert.Single(streamed.SelectMany(u => u.Contents).OfType<FunctionCallContent>());
        Assert.Equal("get_weather", streamedCall.Name);
        Assert.Equal("Paris", streamedCall.Arguments!["city"]!.ToString());
        Assert.Equal(ChatFinishReason.ToolCalls, streamed.Last(u => u.FinishReason is not null).FinishReason);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Function_invocation_plays_the_whole_agent_loop(bool stream)
    {
        var calls = 0;
        var weather = AIFunctionFactory.Create(([Description("The city")] string city) =>
        {
            calls++;
            return $"sunny in {city}";
        }, "get_weather", "Current weather for a city.");
        using var client = new ChatClientBuilder(Client("agent")).UseFunctionInvocation().Build();
        var options = new ChatOptions { Tools = [weather] };

        var text = stream
            ? string.Concat((await client.GetStreamingResponseAsync("Weather in Paris?", options).ToListAsync()).Select(u => u.Text))
            : (await client.GetResponseAsync("Weather in Paris?", options)).Text;

        Assert.Equal(1, calls);
        Assert.Equal("It is sunny in Paris.", text);
    }

    [Fact]
    public async Task Cancelling_frees_the_engines_kv_blocks()
    {
        var engine = _host.Services.GetRequiredService<ModelRegistry>().Find("slow")!.Workers.Cast<LocalWorker>().Single().Engine;
        using var cancel = new CancellationTokenSource();
        var received = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in Client("slow").GetStreamingResponseAsync("Go on and on.", cancellationToken: cancel.Token))
            {
                if (update.Text.Length > 0 && ++received == 3)
                {
                    Assert.True(engine.Load.ActiveKvBlocks > 0);
                    await cancel.CancelAsync();
                }
            }
        });
        for (var i = 0; i < 200 && engine.Load is { ActiveRequests: > 0 } or { ActiveKvBlocks: > 0 }; i++)
            await Task.Delay(10);
        Assert.Equal(0, engine.Load.ActiveRequests);
        Assert.Equal(0, engine.Load.ActiveKvBlocks);
    }

    [Fact]
    public async Task Nvext_fields_travel_in_additional_properties_and_unknown_ones_are_refused()
    {
        var options = new ChatOptions
        {
            MaxOutputTokens = 4,
            AdditionalProperties = new()
            {
                ["nvext"] = new { agent_hints = new { priority = 5, osl = 3 }, session_control = new { session_id = "s1", action = "bind" } },
            },
        };
        var response = await Client("slow").GetResponseAsync("Hi", options);
        Assert.Equal(3, response.Usage!.OutputTokenCount); // osl 3 bounds the mocker's output
        Assert.Equal(1, _host.Services.GetRequiredService<ModelRegistry>().Find("slow")!.BoundSessions);

        var bad = await Assert.ThrowsAsync<Errors.DynamoRequestException>(() => Client("slow").GetResponseAsync("Hi",
            new ChatOptions { AdditionalProperties = new() { ["nvext"] = new { session_control = new { session_id = "s1", action = "grab" } } } }));
        Assert.Equal("nvext.session_control.action", bad.Param);
        var unknown = await Assert.ThrowsAsync<Errors.DynamoRequestException>(() => Client("slow").GetResponseAsync("Hi",
            new ChatOptions { AdditionalProperties = new() { ["nvxet"] = 1 } }));
        Assert.Equal("nvxet", unknown.Param);
    }

    [Fact]
    public void The_client_describes_itself_and_hands_out_the_runtime()
    {
        var client = Client("stories");
        Assert.Equal("stories", client.GetService<ChatClientMetadata>()!.DefaultModelId);
        Assert.Same(_host.Services.GetRequiredService<DynamoRuntime>(), client.GetService<DynamoRuntime>());
    }

    [Description("Current weather for a city.")]
    private static string GetWeather([Description("The city")] string city) => $"sunny in {city}";
}
