using System.ClientModel;
using System.Net;
using System.Text.Json;
using Dynamo.Testing;
using Microsoft.Extensions.DependencyInjection;
using Json.Schema;
using OpenAI;
using OpenAI.Chat;

namespace Dynamo.Host.Tests.Structured;

/// <summary>
/// Structured output and the sampling contract on the live server, with the noise model (random weights
/// over the shipped model's real vocabulary): JSON that validates (checked by JsonSchema.Net), tool calls in
/// every family's syntax read back by that family's real parser, log probabilities, and n choices.
/// </summary>
public sealed class StructuredOutputTests : IAsyncLifetime
{
    private static readonly string[] Families = ["hermes", "llama3_json", "mistral", "qwen3_coder", "pythonic", "harmony"];

    private const string WeatherParameters = """{"type":"object","properties":{"city":{"type":"string","maxLength":12},"unit":{"enum":["c","f"]},"days":{"type":"integer","minimum":1,"maximum":7}},"required":["city","unit"]}""";

    private DynamoServer _server = null!;

    private static object Noise(string name, string? parser = null) => new Dictionary<string, object?>
    {
        ["Name"] = name,
        ["Engine"] = new { Name = "llama", RandomWeights = true, MaxBatchSize = 8 },
        ["Path"] = DynamoServer.DefaultModel,
        ["Tokenizer"] = "gguf",
        ["ChatTemplate"] = "plain",
        ["ToolCallParser"] = parser,
    };

    public async Task InitializeAsync() => _server = await DynamoServer.StartAsync(new
    {
        Dynamo = new
        {
            Models = new object[] { Noise("noise"), TestConfigs.Model("mock", new { Name = "mocker", DecodeItlMs = 0 }, new { ToolCallParser = "hermes" }) }
                .Concat(Families.Select(f => Noise($"noise-{f}", f))).ToArray(),
        },
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<JsonElement> PostAsync(string path, object body)
    {
        using var response = await _server.PostJsonAsync(path, JsonSerializer.Serialize(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static void Validates(string schema, string json)
    {
        var result = JsonSchema.FromText(schema).Evaluate(JsonDocument.Parse(json).RootElement, new EvaluationOptions { RequireFormatValidation = true });
        Assert.True(result.IsValid, $"{json} does not validate against {schema}");
    }

    [Fact]
    public async Task The_noise_model_writes_json_that_validates_whole_and_streamed_through_the_openai_sdk()
    {
        const string schema = """{"type":"object","properties":{"name":{"type":"string","maxLength":16},"age":{"type":"integer","minimum":0,"maximum":120},"tags":{"type":"array","items":{"enum":["a","b"]},"maxItems":2}},"required":["name","age"],"additionalProperties":false}""";
        var client = new ChatClient("noise", new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = new Uri(_server.BaseAddress, "/v1") });
        var options = new ChatCompletionOptions
        {
            MaxOutputTokenCount = 200,
            ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat("person", BinaryData.FromString(schema), jsonSchemaIsStrict: true),
        };
        for (var i = 0; i < 3; i++)
        {
            options.Seed = i;
            ChatCompletion whole = await client.CompleteChatAsync([new UserChatMessage("Describe a person.")], options);
            if (whole.FinishReason == ChatFinishReason.Stop)
                Validates(schema, whole.Content[0].Text);
            var streamed = new System.Text.StringBuilder();
            ChatFinishReason? finish = null;
            await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("Describe a person.")], options))
            {
                streamed.Append(string.Concat(update.ContentUpdate.Select(p => p.Text)));
                finish ??= update.FinishReason;
            }
            // One seed, one answer: the stream and the whole answer are the same text.
            Assert.Equal(whole.Content[0].Text, streamed.ToString());
            Assert.Equal(whole.FinishReason, finish);
        }
    }

    [Fact]
    public async Task Closing_on_budget_makes_every_output_valid_across_a_sample_of_the_corpus()
    {
        var corpus = File.ReadLines(Path.Combine(DynamoServer.RepoRoot, "bench", "schemas.jsonl")).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        // Every 20th schema: a sample across the kinds (the benchmark runs them all).
        foreach (var entry in corpus.Where((_, i) => i % 20 == 3))
        {
            var schema = entry.GetProperty("schema");
            var answer = await PostAsync("/v1/chat/completions", new
            {
                model = "noise",
                messages = new[] { new { role = "user", content = "Answer in JSON." } },
                max_tokens = 96,
                seed = 1,
                response_format = new { type = "json_schema", json_schema = new { name = "x", schema } },
                nvext = new { close_on_budget = true },
            });
            var choice = answer.GetProperty("choices")[0];
            Assert.True(choice.GetProperty("finish_reason").GetString() == "stop", $"{entry.GetProperty("name")}: {choice}");
            var content = choice.GetProperty("message").GetProperty("content").GetString()!;
            Assert.Null(Dynamo.Dev.Commands.SchemaDialect.Errors(Dynamo.Dev.Commands.SchemaDialect.Validator(schema), JsonDocument.Parse(content).RootElement) is { } errors
                ? $"{entry.GetProperty("name")}: {content}\n{errors}" : null);
        }
    }

    [Theory]
    [MemberData(nameof(FamilyNames))]
    public async Task Tool_choice_required_always_yields_valid_calls_in_each_familys_syntax(string family)
    {
        for (var seed = 0; seed < 3; seed++)
        {
            var answer = await PostAsync("/v1/chat/completions", new
            {
                model = $"noise-{family}",
                messages = new[] { new { role = "user", content = "What is the weather?" } },
                max_tokens = 120,
                seed,
                tools = new[] { new { type = "function", function = new { name = "get_weather", parameters = JsonDocument.Parse(WeatherParameters).RootElement } } },
                tool_choice = "required",
                nvext = new { close_on_budget = true },
            });
            var choice = answer.GetProperty("choices")[0];
            Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
            var calls = choice.GetProperty("message").GetProperty("tool_calls");
            Assert.True(calls.GetArrayLength() >= 1, $"{family}: {choice}");
            foreach (var call in calls.EnumerateArray())
            {
                Assert.Equal("get_weather", call.GetProperty("function").GetProperty("name").GetString());
                Validates(WeatherParameters, call.GetProperty("function").GetProperty("arguments").GetString()!);
            }
        }
    }

    public static TheoryData<string> FamilyNames => [.. Families];

    [Fact]
    public async Task A_named_function_and_parallel_tool_calls_false_give_exactly_one_call()
    {
        var tools = new object[]
        {
            new { type = "function", function = new { name = "get_weather", parameters = JsonDocument.Parse(WeatherParameters).RootElement } },
            new { type = "function", function = new { name = "get_time", parameters = JsonDocument.Parse("""{"type":"object","properties":{"zone":{"type":"string","maxLength":8}},"required":["zone"]}""").RootElement } },
        };
        for (var seed = 0; seed < 3; seed++)
        {
            var named = await PostAsync("/v1/chat/completions", new
            {
                model = "noise-hermes", messages = new[] { new { role = "user", content = "Time?" } }, max_tokens = 100, seed, tools,
                tool_choice = new { type = "function", function = new { name = "get_time" } }, nvext = new { close_on_budget = true },
            });
            var call = Assert.Single(named.GetProperty("choices")[0].GetProperty("message").GetProperty("tool_calls").EnumerateArray());
            Assert.Equal("get_time", call.GetProperty("function").GetProperty("name").GetString());

            var single = await PostAsync("/v1/chat/completions", new
            {
                model = "noise-hermes", messages = new[] { new { role = "user", content = "Both?" } }, max_tokens = 120, seed, tools,
                tool_choice = "required", parallel_tool_calls = false, nvext = new { close_on_budget = true },
            });
            Assert.Single(single.GetProperty("choices")[0].GetProperty("message").GetProperty("tool_calls").EnumerateArray());
        }
    }

    [Fact]
    public async Task Regex_choice_and_lark_grammars_hold_through_structured_outputs_and_the_older_guided_fields()
    {
        async Task<string> Ask(object extra)
        {
            var body = new Dictionary<string, object> { ["model"] = "noise", ["messages"] = new[] { new { role = "user", content = "?" } }, ["max_tokens"] = 40, ["seed"] = 3 };
            foreach (var (key, value) in JsonSerializer.SerializeToElement(extra).EnumerateObject().Select(p => (p.Name, (object)p.Value)))
                body[key] = value;
            var answer = await PostAsync("/v1/chat/completions", body);
            return answer.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
        }
        Assert.Matches(@"^[A-Z]{3}-\d{2,4}$", await Ask(new { structured_outputs = new { regex = @"[A-Z]{3}-\d{2,4}" } }));
        Assert.Contains(await Ask(new { guided_choice = new[] { "north", "south" } }), new[] { "north", "south" });
        Assert.Matches(@"^\(*\d+([+*]\(*\d+\)*)*\)*$", await Ask(new { structured_outputs = new { grammar = "start: e\ne: t (\"+\" t)*\nt: f (\"*\" f)*\nf: /[0-9]{1,3}/ | \"(\" e \")\"" }, nvext = new { close_on_budget = true } }));
    }

    [Fact]
    public async Task Log_probabilities_at_temperature_zero_put_the_chosen_token_first_and_n_choices_share_one_prefill()
    {
        var answer = await PostAsync("/v1/chat/completions", new
        {
            model = "noise", messages = new[] { new { role = "user", content = "Once upon a time" } }, max_tokens = 8, temperature = 0,
            logprobs = true, top_logprobs = 3,
        });
        var content = answer.GetProperty("choices")[0].GetProperty("logprobs").GetProperty("content");
        Assert.Equal(8, content.GetArrayLength());
        foreach (var token in content.EnumerateArray())
        {
            var top = token.GetProperty("top_logprobs");
            Assert.Equal(3, top.GetArrayLength());
            Assert.Equal(token.GetProperty("token").GetString(), top[0].GetProperty("token").GetString());
            Assert.Equal(token.GetProperty("logprob").GetSingle(), top[0].GetProperty("logprob").GetSingle(), 4);
            Assert.True(top[0].GetProperty("logprob").GetSingle() >= top[1].GetProperty("logprob").GetSingle());
            Assert.True(top.EnumerateArray().Sum(t => Math.Exp(t.GetProperty("logprob").GetSingle())) <= 1.0001);
        }

        var prompt = string.Join(" ", Enumerable.Repeat("Once upon a time there was a small dog.", 4));
        object Request() => new { model = "noise", messages = new[] { new { role = "user", content = prompt } }, max_tokens = 6, n = 4, seed = 11 };
        var first = await PostAsync("/v1/chat/completions", Request());
        var again = await PostAsync("/v1/chat/completions", Request());
        var choices = first.GetProperty("choices");
        Assert.Equal([0, 1, 2, 3], choices.EnumerateArray().Select(c => c.GetProperty("index").GetInt32()));
        // Seeded: the same four answers again; the forks found the first choice's prompt in the cache.
        Assert.Equal(choices.EnumerateArray().Select(c => c.GetProperty("message").GetProperty("content").GetString()),
            again.GetProperty("choices").EnumerateArray().Select(c => c.GetProperty("message").GetProperty("content").GetString()));
        Assert.True(first.GetProperty("usage").GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32() > 0);
        Assert.Equal(24, first.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Anthropic_tool_choice_any_and_the_responses_apis_text_format_are_followed_too()
    {
        var message = await PostAsync("/v1/messages", new
        {
            model = "noise-hermes", max_tokens = 120, messages = new[] { new { role = "user", content = "Weather?" } },
            tools = new[] { new { name = "get_weather", input_schema = JsonDocument.Parse(WeatherParameters).RootElement } },
            tool_choice = new { type = "any" }, nvext = new { close_on_budget = true },
        });
        Assert.Equal("tool_use", message.GetProperty("stop_reason").GetString());
        var use = message.GetProperty("content").EnumerateArray().Single(b => b.GetProperty("type").GetString() == "tool_use");
        Validates(WeatherParameters, use.GetProperty("input").GetRawText());

        const string schema = """{"type":"object","properties":{"ok":{"type":"boolean"},"count":{"type":"integer","minimum":0,"maximum":9}},"required":["ok","count"],"additionalProperties":false}""";
        var response = await PostAsync("/v1/responses", new
        {
            model = "noise", input = "Answer.", max_output_tokens = 60, top_logprobs = 2,
            text = new { format = new { type = "json_schema", name = "r", schema = JsonDocument.Parse(schema).RootElement, strict = true } },
            nvext = new { close_on_budget = true },
        });
        var text = response.GetProperty("output").EnumerateArray().Single(i => i.GetProperty("type").GetString() == "message").GetProperty("content")[0];
        Validates(schema, text.GetProperty("text").GetString()!);
        Assert.True(text.GetProperty("logprobs").GetArrayLength() > 0);
    }

    [Fact]
    public async Task The_in_process_chat_client_follows_a_json_schema_response_format()
    {
        var client = _server.App.Services.GetRequiredService<Runtime.DynamoRuntime>().GetChatClient("noise");
        const string schema = """{"type":"object","properties":{"answer":{"type":"string","maxLength":10}},"required":["answer"],"additionalProperties":false}""";
        var response = await Microsoft.Extensions.AI.ChatClientExtensions.GetResponseAsync(client, "Answer.", new Microsoft.Extensions.AI.ChatOptions
        {
            MaxOutputTokens = 60,
            ResponseFormat = Microsoft.Extensions.AI.ChatResponseFormat.ForJsonSchema(JsonDocument.Parse(schema).RootElement),
            AdditionalProperties = new() { ["nvext"] = new { close_on_budget = true } },
        });
        Validates(schema, response.Text);
    }
}
