using System.Net;
using System.Text.Json;
using Dynamo.Testing;

namespace Dynamo.Host.Tests.FrontDoors;

/// <summary>The Anthropic and Responses doors answer bad input in their own error shapes, with the right status.</summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private DynamoServer _server = null!;

    public async Task InitializeAsync() => _server = await DynamoServer.StartAsync(
        TestConfigs.Default(extraModels: TestConfigs.Model("faulty", new { Name = "faulty" })), inProcess: typeof(FaultyEngineFactory).Assembly);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private const string Hi = """[{"role":"user","content":"x"}]""";
    private const string Tool = """[{"name":"f","input_schema":{"type":"object"}}]""";

    public static TheoryData<string, HttpStatusCode, string, string> BadMessages => new()
    {
        { """{"model":"mock","messages":[""", HttpStatusCode.BadRequest, "invalid_request_error", "not valid JSON" },
        { "null", HttpStatusCode.BadRequest, "invalid_request_error", "JSON object" },
        { $$$"""{"model":"mock","messages":{{{Hi}}}}""", HttpStatusCode.BadRequest, "invalid_request_error", "'max_tokens' is required" },
        { $$$"""{"max_tokens":5,"messages":{{{Hi}}}}""", HttpStatusCode.BadRequest, "invalid_request_error", "'model' is required" },
        { $$$"""{"model":"nope","max_tokens":5,"messages":{{{Hi}}}}""", HttpStatusCode.NotFound, "not_found_error", "nope" },
        { """{"model":"mock","max_tokens":5,"messages":[]}""", HttpStatusCode.BadRequest, "invalid_request_error", "messages" },
        { $$$"""{"model":"mock","max_tokens":0,"messages":{{{Hi}}}}""", HttpStatusCode.BadRequest, "invalid_request_error", "max_tokens" },
        { $$$"""{"model":"mock","max_tokens":"ten","messages":{{{Hi}}}}""", HttpStatusCode.BadRequest, "invalid_request_error", "max_tokens" },
        { $$$"""{"model":"mock","max_tokens":5,"stream":"yes","messages":{{{Hi}}}}""", HttpStatusCode.BadRequest, "invalid_request_error", "stream" },
        { """{"model":"mock","max_tokens":5,"messages":[{"role":"wizard","content":"x"}]}""", HttpStatusCode.BadRequest, "invalid_request_error", "messages[0].role" },
        { """{"model":"mock","max_tokens":5,"messages":[{"role":"user","content":5}]}""", HttpStatusCode.BadRequest, "invalid_request_error", "messages[0].content" },
        { """{"model":"mock","max_tokens":5,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/png","data":"AAAA"}}]}]}""", HttpStatusCode.BadRequest, "invalid_request_error", "image" },
        { """{"model":"mock","max_tokens":5,"messages":[{"role":"user","content":[{"type":"document","source":{"type":"text","data":"x"}}]}]}""", HttpStatusCode.BadRequest, "invalid_request_error", "document" },
        { """{"model":"mock","max_tokens":5,"messages":[{"role":"user","content":[{"type":"tool_result"}]}]}""", HttpStatusCode.BadRequest, "invalid_request_error", "tool_use_id" },
        { $$$"""{"model":"mock","max_tokens":5,"messages":{{{Hi}}},"tools":{{{Tool}}},"tool_choice":{"type":"any"}}""", HttpStatusCode.BadRequest, "invalid_request_error", "tool-call parser" },
        { $$$"""{"model":"mock","max_tokens":5,"messages":{{{Hi}}},"tools":{{{Tool}}},"tool_choice":{"type":"tool"}}""", HttpStatusCode.BadRequest, "invalid_request_error", "tool_choice.name" },
        { $$$"""{"model":"mock","max_tokens":5,"messages":{{{Hi}}},"tools":{{{Tool}}},"tool_choice":{"type":"tool","name":"g"}}""", HttpStatusCode.BadRequest, "invalid_request_error", "not in 'tools'" },
        { $$$"""{"model":"mock","max_tokens":5,"messages":{{{Hi}}},"tools":{{{Tool}}},"tool_choice":{"type":"auto","disable_parallel_tool_use":true}}""", HttpStatusCode.BadRequest, "invalid_request_error", "parallel_tool_calls" },
        { $$$"""{"model":"mock","max_tokens":5,"messages":{{{Hi}}},"tools":[{"input_schema":{}}]}""", HttpStatusCode.BadRequest, "invalid_request_error", "tools[0].name" },
        { $$$"""{"model":"mock","max_tokens":5,"messages":{{{Hi}}},"thinking":{"type":"enabled"}}""", HttpStatusCode.BadRequest, "invalid_request_error", "budget_tokens" },
        { $$$"""{"model":"mock","max_tokens":5,"messages":{{{Hi}}},"thinking":{"type":"maybe"}}""", HttpStatusCode.BadRequest, "invalid_request_error", "thinking.type" },
        { $$$"""{"model":"mock","max_tokens":5,"messages":{{{Hi}}},"output_config":{"effort":"extreme"}}""", HttpStatusCode.BadRequest, "invalid_request_error", "output_config.effort" },
        { """{"model":"mock","max_tokens":5,"messages":[{"role":"user","content":"x"}],"output_config":{"format":{"type":"xml"}}}""", HttpStatusCode.BadRequest, "invalid_request_error", "output_config.format.type" },
        { """{"model":"mock","max_tokens":5,"messages":[{"role":"user","content":"x"}],"output_config":{"format":{"type":"json_schema","schema":{"not":{}}}}}""", HttpStatusCode.BadRequest, "invalid_request_error", "'not'" },
        { $$$"""{"model":"mock","max_tokens":5,"messages":{{{Hi}}},"container":"c1"}""", HttpStatusCode.BadRequest, "invalid_request_error", "container" },
        { $$$"""{"model":"mock","max_tokens":5,"messages":{{{Hi}}},"mcp_servers":[]}""", HttpStatusCode.BadRequest, "invalid_request_error", "mcp_servers" },
        { $$$"""{"model":"mock","max_tokens":5,"messages":{{{Hi}}},"stop_sequences":["\ud800"]}""", HttpStatusCode.BadRequest, "invalid_request_error", "stop_sequences" },
        { $$$"""{"model":"mock","max_tokens":5,"messages":{{{Hi}}},"top_p":0}""", HttpStatusCode.BadRequest, "invalid_request_error", "top_p" },
    };

    [Theory]
    [MemberData(nameof(BadMessages))]
    public async Task Bad_messages_get_anthropic_errors(string body, HttpStatusCode status, string type, string message)
    {
        using var response = await _server.PostJsonAsync("/v1/messages?beta=true", body);
        Assert.Equal(status, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("error", json.RootElement.GetProperty("type").GetString());
        Assert.Equal(type, json.RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.Contains(message, json.RootElement.GetProperty("error").GetProperty("message").GetString());
    }

    private const string In = "\"input\":\"x\"";

    public static TheoryData<string, HttpStatusCode, string?, string> BadResponses => new()
    {
        { """{"model":"mock","input":""", HttpStatusCode.BadRequest, null, "not valid JSON" },
        { """{"input":"x"}""", HttpStatusCode.BadRequest, "model", "required" },
        { """{"model":"nope","input":"x"}""", HttpStatusCode.NotFound, "model", "nope" },
        { """{"model":"mock"}""", HttpStatusCode.BadRequest, "input", "required" },
        { """{"model":"mock","input":5}""", HttpStatusCode.BadRequest, "input", "string or an array" },
        { """{"model":"mock","input":[{"type":"bogus"}]}""", HttpStatusCode.BadRequest, "input[0].type", "bogus" },
        { """{"model":"mock","input":[{"type":"message","role":"wizard","content":"x"}]}""", HttpStatusCode.BadRequest, "input[0].role", "wizard" },
        { """{"model":"mock","input":[{"type":"message","role":"user","content":[{"type":"input_image","image_url":"x"}]}]}""", HttpStatusCode.BadRequest, "input[0].content[0].type", "input_image" },
        { """{"model":"mock","input":[{"type":"function_call_output","output":"x"}]}""", HttpStatusCode.BadRequest, "input[0].call_id", "string" },
        { $$$"""{"model":"mock",{{{In}}},"tools":[{"type":"bogus"}]}""", HttpStatusCode.BadRequest, "tools[0].type", "bogus" },
        { $$$"""{"model":"mock",{{{In}}},"tools":[{"type":"function"}]}""", HttpStatusCode.BadRequest, "tools[0].name", "string" },
        { $$$"""{"model":"mock",{{{In}}},"tools":[{"type":"function","name":"f"}],"tool_choice":"required"}""", HttpStatusCode.BadRequest, "tool_choice", "tool-call parser" },
        { $$$"""{"model":"mock",{{{In}}},"tools":[{"type":"function","name":"f"}],"tool_choice":{"type":"web_search"}}""", HttpStatusCode.BadRequest, "tool_choice.type", "web_search" },
        { $$$"""{"model":"mock",{{{In}}},"tools":[{"type":"function","name":"f"}],"parallel_tool_calls":false}""", HttpStatusCode.BadRequest, "parallel_tool_calls", "tool-call parser" },
        { """{"model":"mock","input":"x","text":{"format":{"type":"yaml"}}}""", HttpStatusCode.BadRequest, "text.format.type", "yaml" },
        { """{"model":"mock","input":"x","text":{"format":{"type":"json_schema","name":"a","schema":{"type":"string","pattern":"(?=a)"}}}}""", HttpStatusCode.BadRequest, "text.format", "lookaround" },
        { $$$"""{"model":"mock",{{{In}}},"top_logprobs":21}""", HttpStatusCode.BadRequest, "top_logprobs", "between 0 and 20" },
        { $$$"""{"model":"mock",{{{In}}},"background":true}""", HttpStatusCode.BadRequest, "background", "not supported" },
        { $$$"""{"model":"mock",{{{In}}},"conversation":"conv_1"}""", HttpStatusCode.BadRequest, "conversation", "not supported" },
        { $$$"""{"model":"mock",{{{In}}},"prompt":{"id":"pmpt_1"}}""", HttpStatusCode.BadRequest, "prompt", "not supported" },
        { $$$"""{"model":"mock",{{{In}}},"truncation":"auto"}""", HttpStatusCode.BadRequest, "truncation", "disabled" },
        { $$$"""{"model":"mock",{{{In}}},"include":["file_search_call.results"]}""", HttpStatusCode.BadRequest, "include[0]", "not supported" },
        { $$$"""{"model":"mock",{{{In}}},"reasoning":{"effort":"extreme"}}""", HttpStatusCode.BadRequest, "reasoning.effort", "extreme" },
        { $$$"""{"model":"mock",{{{In}}},"max_output_tokens":0}""", HttpStatusCode.BadRequest, "max_output_tokens", "at least 1" },
        { $$$"""{"model":"mock",{{{In}}},"temperature":3}""", HttpStatusCode.BadRequest, "temperature", "between 0 and 2" },
        { $$$"""{"model":"mock",{{{In}}},"previous_response_id":"resp_missing"}""", HttpStatusCode.NotFound, "previous_response_id", "resp_missing" },
    };

    [Theory]
    [MemberData(nameof(BadResponses))]
    public async Task Bad_responses_get_openai_errors(string body, HttpStatusCode status, string? param, string message)
    {
        using var response = await _server.PostJsonAsync("/v1/responses", body);
        Assert.Equal(status, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = json.RootElement.GetProperty("error");
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Contains(message, error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Unknown_stored_responses_are_404s_and_a_large_max_tokens_is_capped_not_refused()
    {
        using var get = await _server.Client.GetAsync("/v1/responses/resp_nope");
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Contains("resp_nope", await get.Content.ReadAsStringAsync());
        using var delete = await _server.Client.DeleteAsync("/v1/responses/resp_nope");
        Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);

        // Claude Code asks for 32,000 tokens whatever the model: the answer fits what the context leaves.
        using var large = await _server.PostJsonAsync("/v1/messages", $$$"""{"model":"mock","max_tokens":1000000,"messages":{{{Hi}}}}""");
        Assert.Equal(HttpStatusCode.OK, large.StatusCode);
        using var largeResponse = await _server.PostJsonAsync("/v1/responses", $$$"""{"model":"mock",{{{In}}},"max_output_tokens":1000000}""");
        Assert.Equal(HttpStatusCode.BadRequest, largeResponse.StatusCode); // OpenAI's own field stays strict, as chat's max_tokens is
    }

    [Fact]
    public async Task An_engine_failure_is_an_error_in_each_shape_whole_or_mid_stream()
    {
        using (var whole = await _server.PostJsonAsync("/v1/messages", """{"model":"faulty","max_tokens":5,"messages":[{"role":"user","content":"x"}]}"""))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, whole.StatusCode);
            var body = await whole.Content.ReadAsStringAsync();
            Assert.Equal("api_error", JsonDocument.Parse(body).RootElement.GetProperty("error").GetProperty("type").GetString());
            Assert.DoesNotContain(" at ", body);
        }
        using (var streamed = await _server.PostJsonAsync("/v1/messages", """{"model":"faulty","max_tokens":5,"stream":true,"messages":[{"role":"user","content":"x"}]}"""))
        {
            var events = await Sse.ReadNamedAsync(streamed);
            Assert.Equal("message_start", events[0].Name);
            Assert.Equal("error", events[^1].Name);
            Assert.Equal("api_error", events[^1].Data.GetProperty("error").GetProperty("type").GetString());
            Assert.Contains("the GPU caught fire", events[^1].Data.GetProperty("error").GetProperty("message").GetString());
        }
        using (var responses = await _server.PostJsonAsync("/v1/responses", """{"model":"faulty","stream":true,"input":"x"}"""))
        {
            var events = await Sse.ReadNamedAsync(responses);
            Assert.Equal("response.created", events[0].Name);
            Assert.Equal("error", events[^1].Name);
            Assert.Contains("the GPU caught fire", events[^1].Data.GetProperty("message").GetString());
            // The error continues the stream's numbering.
            Assert.Equal(events[^2].Data.GetProperty("sequence_number").GetInt32() + 1, events[^1].Data.GetProperty("sequence_number").GetInt32());
        }
    }
}
