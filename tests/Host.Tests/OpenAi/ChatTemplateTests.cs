using System.Net;
using System.Text.Json;
using Dynamo.Abstractions.Preprocessing;
using Dynamo.Abstractions.Requests;
using Dynamo.Testing;

namespace Dynamo.Host.Tests.OpenAi;

/// <summary>The jinja chat-template plugin through the whole pipeline: real templates from files and from a GGUF, refusals and broken templates.</summary>
public sealed class ChatTemplateTests : IAsyncLifetime
{
    private static string Template(string name) => SharedFixtures.PathOf("templates", name);

    private DynamoServer _server = null!;

    // Real templates and a real vocabulary from ../shared: without it, every test here skips.
    public async Task InitializeAsync()
    {
        if (SharedFixtures.Available)
            _server = await Start();
    }

    private static Task<DynamoServer> Start() => DynamoServer.StartAsync(new
    {
        Dynamo = new
        {
            Models = new object[]
            {
                // The echo engine answers with the prompt itself: the rendered template comes back as the content.
                new { Name = "qwen", Engine = "echo", Tokenizer = "bytes", ChatTemplate = new { Name = "jinja", TemplateFile = Template("Qwen-Qwen2.5-7B-Instruct.jinja") } },
                new { Name = "gemma", Engine = "echo", Tokenizer = "bytes", ChatTemplate = new { Name = "jinja", TemplateFile = Template("google-gemma-2-2b-it.jinja") } },
                new { Name = "phi3", Path = SharedFixtures.PathOf("vocab", "ggml-vocab-phi-3.gguf"), Engine = "echo", Tokenizer = "gguf", ChatTemplate = "jinja" },
            },
        },
    });

    public async Task DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> ChatAsync(string json)
    {
        SharedFixtures.Require("templates");
        using var response = await _server.PostJsonAsync("/v1/chat/completions", json);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement);
    }

    [SkippableFact]
    public async Task TheRenderedTemplateIsThePromptWithToolsAndKwargs()
    {
        var (status, body) = await ChatAsync("""
            {"model":"qwen","max_tokens":4000,"messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"Hello!"}]}
            """);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("<|im_start|>system\nYou are terse.<|im_end|>\n<|im_start|>user\nHello!<|im_end|>\n<|im_start|>assistant\n",
            body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());

        (status, body) = await ChatAsync("""
            {"model":"qwen","max_tokens":4000,"messages":[{"role":"user","content":"Weather?"},
             {"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"get_weather","arguments":"{\"city\": \"Paris\"}"}}]},
             {"role":"tool","tool_call_id":"c1","content":"sunny"}],
             "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]}
            """);
        Assert.Equal(HttpStatusCode.OK, status);
        var prompt = body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
        Assert.Contains("""<tools>{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}""".Replace("<tools>", "<tools>\n"), prompt);
        Assert.Contains("""{"name": "get_weather", "arguments": {"city": "Paris"}}""", prompt); // arguments rendered as an object
        Assert.Contains("<tool_response>\nsunny\n</tool_response>", prompt);
    }

    [SkippableFact]
    public async Task TheTemplatesOwnRefusalIsABadRequestWithItsMessage()
    {
        var (status, body) = await ChatAsync("""{"model":"gemma","messages":[{"role":"system","content":"x"},{"role":"user","content":"y"}]}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = body.GetProperty("error");
        Assert.Contains("System role not supported", error.GetProperty("message").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
    }

    [SkippableFact]
    public void AModelsOwnTemplateComesFromItsGguf()
    {
        SharedFixtures.Require("vocab");
        var model = _server.Model("phi3");
        Assert.Contains("<|user|>", model.Tokenizer.ChatTemplate);
        var prompt = model.ChatTemplate.Render(new ChatTemplateInput([new ChatMessage("user", "Hi")], null, true, model.Tokenizer.BosToken, model.Tokenizer.EosToken, null));
        Assert.Equal("<s><|user|>\nHi<|end|>\n<|assistant|>\n", prompt); // the template writes BOS itself
    }

    [Theory]
    [InlineData("{\"Name\":\"jinja\",\"Template\":\"{% if x %}never closed\"}", "does not compile: line 1: 'if' opened on line 1 is never closed with 'endif'")]
    [InlineData("\"jinja\"", "has no chat template of its own")]
    [InlineData("{\"Name\":\"jinja\",\"TemplateFile\":\"/nonexistent/t.jinja\"}", "does not exist")]
    public async Task ABrokenOrMissingTemplateStopsTheModelWithTheReason(string chatTemplate, string expected)
    {
        var config = "{\"Dynamo\":{\"Models\":[{\"Name\":\"m\",\"Engine\":\"echo\",\"Tokenizer\":\"bytes\",\"ChatTemplate\":" + chatTemplate + "}]}}";
        var error = await Assert.ThrowsAnyAsync<Exception>(() => DynamoServer.StartAsync(JsonDocument.Parse(config).RootElement));
        Assert.Contains(expected, error.Message);
    }
}
