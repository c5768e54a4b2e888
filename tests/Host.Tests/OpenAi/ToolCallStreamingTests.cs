using System.ClientModel;
using System.Text;
using System.Text.Json;
using Dynamo.Testing;
using OpenAI;
using OpenAI.Chat;

namespace Dynamo.Host.Tests.OpenAi;

/// <summary>
/// The parser plugins on the live server: the mocker answers with a family's markup (after
/// reasoning), and the official OpenAI client accumulates the streamed tool calls.
/// </summary>
public sealed class ToolCallStreamingTests : IAsyncLifetime
{
    private const string Answer = "<think>The user wants weather.</think>Checking both cities.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\", \"unit\": \"°C\"}}\n</tool_call>\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Tokyo\"}}\n</tool_call>";

    private DynamoServer _server = null!;

    public async Task InitializeAsync() => _server = await DynamoServer.StartAsync(TestConfigs.Default(1 << 20,
        TestConfigs.Model("qwen-mock", new { Name = "mocker", DecodeItlMs = 0.2, PrefillTokensPerSecond = 1_000_000, OutputText = Answer },
            new { ToolCallParser = "hermes", ReasoningParser = "qwen3" }),
        TestConfigs.Model("json-mock", new { Name = "mocker", DecodeItlMs = 0.2, PrefillTokensPerSecond = 1_000_000, OutputText = " {\"city\": \"Paris\"}" })));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static readonly ChatTool Weather = ChatTool.CreateFunctionTool("get_weather", "Weather in a city",
        BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string"}}}"""));

    private ChatClient Client() => new("qwen-mock", new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = new Uri(_server.BaseAddress, "/v1") });

    [Fact]
    public async Task TheOfficialClientAccumulatesStreamedCalls()
    {
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 1000, Tools = { Weather } };
        var (content, reasoningChunks) = (new StringBuilder(), 0);
        var calls = new SortedDictionary<int, (string Id, string Name, StringBuilder Arguments)>();
        ChatFinishReason? finish = null;
        var argumentUpdates = 0;
        await foreach (var update in Client().CompleteChatStreamingAsync([new UserChatMessage("Weather in Paris and Tokyo?")], options))
        {
            content.Append(string.Concat(update.ContentUpdate.Select(p => p.Text)));
            foreach (var call in update.ToolCallUpdates)
            {
                if (call.ToolCallId is not null)
                    calls[call.Index] = (call.ToolCallId, call.FunctionName, new StringBuilder());
                if (call.FunctionArgumentsUpdate is { } args && !args.ToMemory().IsEmpty)
                {
                    calls[call.Index].Arguments.Append(args.ToString());
                    argumentUpdates++;
                }
            }
            finish ??= update.FinishReason;
        }

        Assert.Equal(ChatFinishReason.ToolCalls, finish);
        Assert.Equal("Checking both cities.\n", content.ToString());
        Assert.Equal([("get_weather", "{\"city\": \"Paris\", \"unit\": \"°C\"}"), ("get_weather", "{\"city\": \"Tokyo\"}")],
            calls.Values.Select(c => (c.Name, c.Arguments.ToString())).ToArray());
        Assert.Equal(2, calls.Values.Select(c => c.Id).Distinct().Count());
        Assert.Equal(2, argumentUpdates); // hermes sends each call whole, once its JSON is (a call that breaks is none)
    }

    [Fact]
    public async Task NonStreamingGivesTheSameCallsAndReasoning()
    {
        using var response = await _server.PostJsonAsync("/v1/chat/completions", """
            {"model":"qwen-mock","max_tokens":1000,"messages":[{"role":"user","content":"Weather?"}],
             "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]}
            """);
        var message = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("choices")[0];
        Assert.Equal("tool_calls", message.GetProperty("finish_reason").GetString());
        Assert.Equal("The user wants weather.", message.GetProperty("message").GetProperty("reasoning_content").GetString());
        var calls = message.GetProperty("message").GetProperty("tool_calls");
        Assert.Equal("{\"city\": \"Paris\", \"unit\": \"°C\"}", calls[0].GetProperty("function").GetProperty("arguments").GetString());
    }

    [Fact]
    public async Task ToolChoiceNoneLeavesTheMarkupAsText()
    {
        using var response = await _server.PostJsonAsync("/v1/chat/completions", """
            {"model":"qwen-mock","max_tokens":1000,"messages":[{"role":"user","content":"Weather?"}],"tool_choice":"none",
             "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]}
            """);
        var choice = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("choices")[0];
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        Assert.Contains("<tool_call>", choice.GetProperty("message").GetProperty("content").GetString());
    }

    [Fact]
    public async Task ANamedToolChoiceTakesABareJsonAnswerAsThatFunctionsArguments()
    {
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 100, Tools = { Weather }, ToolChoice = ChatToolChoice.CreateFunctionChoice("get_weather") };
        var client = new ChatClient("json-mock", new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = new Uri(_server.BaseAddress, "/v1") });

        ChatCompletion completion = await client.CompleteChatAsync([new UserChatMessage("Weather in Paris?")], options);
        Assert.Equal(ChatFinishReason.ToolCalls, completion.FinishReason);
        Assert.Equal(("get_weather", "{\"city\": \"Paris\"}"), (completion.ToolCalls[0].FunctionName, completion.ToolCalls[0].FunctionArguments.ToString()));

        var (name, arguments, content) = ("", new StringBuilder(), new StringBuilder());
        ChatFinishReason? finish = null;
        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("Weather in Paris?")], options))
        {
            content.Append(string.Concat(update.ContentUpdate.Select(p => p.Text)));
            foreach (var call in update.ToolCallUpdates)
            {
                name += call.FunctionName;
                arguments.Append(call.FunctionArgumentsUpdate?.ToString());
            }
            finish ??= update.FinishReason;
        }
        Assert.Equal((ChatFinishReason.ToolCalls, "get_weather", "{\"city\": \"Paris\"}", ""), (finish!.Value, name, arguments.ToString(), content.ToString()));

        // Without the named choice, the same answer is just content.
        ChatCompletion plain = await client.CompleteChatAsync([new UserChatMessage("Weather in Paris?")], new ChatCompletionOptions { MaxOutputTokenCount = 100, Tools = { Weather } });
        Assert.Equal((ChatFinishReason.Stop, " {\"city\": \"Paris\"}"), (plain.FinishReason, plain.Content[0].Text));
    }
}
