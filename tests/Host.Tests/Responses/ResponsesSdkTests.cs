using System.ClientModel;
using System.Text;
using Dynamo.Testing;
using OpenAI.Responses;

namespace Dynamo.Host.Tests.Responses;

/// <summary>The official OpenAI .NET client's Responses API against the live server: a real model's text, a tool loop, stored responses.</summary>
public sealed class ResponsesSdkTests : IAsyncLifetime
{
    private const string WeatherCall = """<tool_call>{"name": "get_weather", "arguments": {"city": "Paris"}}</tool_call>""";

    private DynamoServer _server = null!;

    public async Task InitializeAsync() => _server = await DynamoServer.StartAsync(new
    {
        Dynamo = new
        {
            ModelAliases = new Dictionary<string, string> { ["gpt-*"] = "agent" },
            Models = new object[]
            {
                new { Name = "stories260K", Path = DynamoServer.DefaultModel, Engine = "llama", Tokenizer = "gguf", ChatTemplate = "plain" },
                TestConfigs.Model("agent", new { Name = "mocker", DecodeItlMs = 0, Script = new[] { "Let me look. " + WeatherCall, "It is sunny in Paris." } },
                    new { ToolCallParser = "hermes" }),
            },
        },
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private ResponsesClient Client() => new(new ApiKeyCredential("unused"), new ResponsesClientOptions { Endpoint = new Uri(_server.BaseAddress, "/v1"), RetryPolicy = new System.ClientModel.Primitives.ClientRetryPolicy(0) });

    [Fact]
    public async Task A_real_model_answers_whole_and_streamed()
    {
        CreateResponseOptions Options(bool stream = false) => new()
        {
            StreamingEnabled = stream,
            Model = "stories260K",
            InputItems = { ResponseItem.CreateUserMessageItem("Once upon a time") },
            MaxOutputTokenCount = 24,
            Temperature = 0,
        };
        var whole = (await Client().CreateResponseAsync(Options())).Value;
        var streamed = new StringBuilder();
        ResponseResult? completed = null;
        var sequence = -1;
        await foreach (var update in await Client().CreateResponseStreamingAsync(Options(stream: true)))
        {
            Assert.Equal(sequence + 1, update.SequenceNumber);
            sequence = update.SequenceNumber;
            if (update is StreamingResponseOutputTextDeltaUpdate delta)
                streamed.Append(delta.Delta);
            if (update is StreamingResponseIncompleteUpdate incomplete)
                completed = incomplete.Response;
        }

        Assert.StartsWith("resp_", whole.Id);
        Assert.Equal(ResponseStatus.Incomplete, whole.Status); // 24 tokens is the cap: max_output_tokens
        Assert.Equal("max_output_tokens", whole.IncompleteStatusDetails.Reason?.ToString());
        Assert.Equal(24, whole.Usage.OutputTokenCount);
        Assert.False(string.IsNullOrWhiteSpace(whole.GetOutputText()));
        Assert.Equal(whole.GetOutputText(), streamed.ToString()); // greedy: the same text either way
        Assert.NotNull(completed);
        Assert.Equal(whole.GetOutputText(), completed!.GetOutputText());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_tool_loop_the_model_calls_the_client_answers_the_model_finishes(bool stream)
    {
        var tool = ResponseTool.CreateFunctionTool("get_weather", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""),
            strictModeEnabled: false, functionDescription: "Current weather for a city.");
        var input = new List<ResponseItem> { ResponseItem.CreateUserMessageItem("What is the weather in Paris?") };

        // Turn 1: the model asks for the tool. The model name is OpenAI's, reached through an alias.
        var first = await SendAsync(input, tool, stream);
        Assert.Equal(ResponseStatus.Completed, first.Status);
        var call = Assert.Single(first.OutputItems.OfType<FunctionCallResponseItem>());
        Assert.Equal("get_weather", call.FunctionName);
        Assert.Equal("Paris", System.Text.Json.JsonDocument.Parse(call.FunctionArguments.ToString()).RootElement.GetProperty("city").GetString());
        Assert.Equal("Let me look.", first.GetOutputText().Trim());

        // Turn 2: the client ran it and sends the whole conversation back (store: false, as Codex does).
        input.AddRange(first.OutputItems);
        input.Add(ResponseItem.CreateFunctionCallOutputItem(call.CallId, "sunny, 21 degrees"));
        var second = await SendAsync(input, tool, stream);
        Assert.Empty(second.OutputItems.OfType<FunctionCallResponseItem>());
        Assert.Equal("It is sunny in Paris.", second.GetOutputText());
    }

    private async Task<ResponseResult> SendAsync(List<ResponseItem> input, ResponseTool tool, bool stream)
    {
        var options = new CreateResponseOptions { Model = "gpt-5-codex", StoredOutputEnabled = false, Tools = { tool } };
        foreach (var item in input)
            options.InputItems.Add(item);
        if (!stream)
            return (await Client().CreateResponseAsync(options)).Value;
        options.StreamingEnabled = true;
        ResponseResult? done = null;
        var itemsDone = new List<ResponseItem>();
        await foreach (var update in await Client().CreateResponseStreamingAsync(options))
        {
            if (update is StreamingResponseOutputItemDoneUpdate itemDone)
                itemsDone.Add(itemDone.Item);
            if (update is StreamingResponseCompletedUpdate completed)
                done = completed.Response;
        }
        Assert.NotNull(done);
        Assert.Equal(done!.OutputItems.Select(i => i.Id), itemsDone.Select(i => i.Id)); // each item announced done, in order
        return done;
    }

    [Fact]
    public async Task Stored_responses_continue_by_id_read_back_and_delete()
    {
        var client = Client();
        var first = (await client.CreateResponseAsync(new CreateResponseOptions
        {
            Model = "agent",
            InputItems = { ResponseItem.CreateUserMessageItem("What is the weather in Paris?") },
            Tools = { ResponseTool.CreateFunctionTool("get_weather", BinaryData.FromString("""{"type":"object"}"""), false) },
        })).Value;
        var call = Assert.Single(first.OutputItems.OfType<FunctionCallResponseItem>());

        // Only the tool's result is sent: the rest of the conversation comes from the stored response.
        var second = (await client.CreateResponseAsync(new CreateResponseOptions
        {
            Model = "agent",
            PreviousResponseId = first.Id,
            InputItems = { ResponseItem.CreateFunctionCallOutputItem(call.CallId, "sunny") },
            Tools = { ResponseTool.CreateFunctionTool("get_weather", BinaryData.FromString("""{"type":"object"}"""), false) },
        })).Value;
        Assert.Equal("It is sunny in Paris.", second.GetOutputText());
        Assert.Equal(first.Id, second.PreviousResponseId);

        var read = (await client.GetResponseAsync(second.Id)).Value;
        Assert.Equal(second.GetOutputText(), read.GetOutputText());
        Assert.True((await client.DeleteResponseAsync(second.Id)).Value.Deleted);

        var gone = await Assert.ThrowsAsync<ClientResultException>(() => client.GetResponseAsync(second.Id));
        Assert.Equal(404, gone.Status);
        var unknown = await Assert.ThrowsAsync<ClientResultException>(() => client.CreateResponseAsync(new CreateResponseOptions
        {
            Model = "agent",
            PreviousResponseId = second.Id,
            InputItems = { ResponseItem.CreateUserMessageItem("And tomorrow?") },
        }));
        Assert.Equal(404, unknown.Status);
        Assert.Contains(second.Id, unknown.Message);
    }
}
