using System.Net;
using System.Text;
using System.Text.Json;
using Dynamo.Testing;

namespace Dynamo.Host.Tests.OpenAi;

/// <summary>Every bad input gets OpenAI's error body with the right status, and never disturbs a neighbour.</summary>
public sealed class ErrorTests : IAsyncLifetime
{
    private DynamoServer _server = null!;

    public async Task InitializeAsync() => _server = await DynamoServer.StartAsync(
        TestConfigs.Default(maxBodyBytes: 4096, TestConfigs.Model("faulty", new { Name = "faulty" })),
        inProcess: typeof(FaultyEngineFactory).Assembly);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public static TheoryData<string, HttpStatusCode, string?, string> BadChats => new()
    {
        { """{"model":"mock","messages":[""", HttpStatusCode.BadRequest, null, "not valid JSON" },
        { "[1,2]", HttpStatusCode.BadRequest, null, "" },
        { "", HttpStatusCode.BadRequest, null, "not valid JSON" },
        { """{"model":"mock","messages":[{"role":"user","content":"x"}]} {}""", HttpStatusCode.BadRequest, null, "not valid JSON" },
        { "null", HttpStatusCode.BadRequest, null, "JSON object" },
        { """{"model":"mock"}""", HttpStatusCode.BadRequest, "messages", "non-empty" },
        { """{"model":"mock","messages":[]}""", HttpStatusCode.BadRequest, "messages", "non-empty" },
        { """{"messages":[{"role":"user","content":"x"}]}""", HttpStatusCode.BadRequest, "model", "required" },
        { """{"model":"nope","messages":[{"role":"user","content":"x"}]}""", HttpStatusCode.NotFound, "model", "does not exist" },
        { """{"model":"mock","messages":[{"role":"wizard","content":"x"}]}""", HttpStatusCode.BadRequest, "messages[0].role", "must be one of" },
        { """{"model":"mock","messages":[{"role":"user"}]}""", HttpStatusCode.BadRequest, "messages[0].content", "required" },
        { """{"model":"mock","messages":[{"role":"user","content":5}]}""", HttpStatusCode.BadRequest, "messages[0].content", "string or an array" },
        { """{"model":"mock","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"x"}}]}]}""", HttpStatusCode.BadRequest, "messages[0].content[0].type", "only text parts" },
        { """{"model":"mock","messages":[{"role":"tool","content":"x"}]}""", HttpStatusCode.BadRequest, "messages[0].tool_call_id", "required" },
        { """{"model":"mock","messages":[{"role":"user","content":"x"}],"n":0}""", HttpStatusCode.BadRequest, "n", "at least 1" },
        { """{"model":"mock","messages":[{"role":"user","content":"x"}],"n":17}""", HttpStatusCode.BadRequest, "n", "at most 16" },
        { """{"model":"mock","messages":[{"role":"user","content":"x"}],"stream_options":{"include_usage":true}}""", HttpStatusCode.BadRequest, "stream_options", "only allowed when 'stream' is true" },
        { """{"model":"mock","messages":[{"role":"user","content":"x"}],"temperature":2.5}""", HttpStatusCode.BadRequest, "temperature", "between 0 and 2" },
        { """{"model":"mock","messages":[{"role":"user","content":"x"}],"top_p":0}""", HttpStatusCode.BadRequest, "top_p", "greater than 0" },
        { """{"model":"mock","messages":[{"role":"user","content":"x"}],"max_tokens":0}""", HttpStatusCode.BadRequest, "max_tokens", "at least 1" },
        { """{"model":"mock","messages":[{"role":"user","content":"x"}],"min_p":1.5}""", HttpStatusCode.BadRequest, "min_p", "between 0 and 1" },
        { """{"model":"mock","messages":[{"role":"user","content":"x"}],"presence_penalty":3}""", HttpStatusCode.BadRequest, "presence_penalty", "between -2 and 2" },
        { """{"model":"mock","messages":[{"role":"user","content":"x"}],"frequency_penalty":-2.5}""", HttpStatusCode.BadRequest, "frequency_penalty", "between -2 and 2" },
        { """{"model":"mock","messages":[{"role":"user","content":"x"}],"repetition_penalty":0}""", HttpStatusCode.BadRequest, "repetition_penalty", "greater than 0" },
        { """{"model":"mock","messages":[{"role":"user","content":"x"}],"max_tokens":100000}""", HttpStatusCode.BadRequest, "max_tokens", "context" },
        { """{"model":"mock","messages":[{"role":"user","content":"x"}],"max_tokens":"ten"}""", HttpStatusCode.BadRequest, "max_tokens", "expected an integer" },
        { """{"model":"mock","messages":[{"role":"user","content":"x"}],"stream":"yes"}""", HttpStatusCode.BadRequest, "stream", "expected a boolean" },
        { """{"model":"mock","messages":[{"role":"user","content":"x"}],"stop":[1]}""", HttpStatusCode.BadRequest, "stop", "array of strings" },
        { """{"model":"mock","messages":[{"role":"user","content":"x"}],"tool_choice":"auto"}""", HttpStatusCode.BadRequest, "tool_choice", "only allowed when" },
        { """{"model":"mock","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{}}]}""", HttpStatusCode.BadRequest, "tools[0].function.name", "required" },
        { """{"model":"mock","messages":[{"role":"user","content":"x"}],"nvext":{"agent_hints":{"priority":"high"}}}""", HttpStatusCode.BadRequest, "nvext.agent_hints.priority", "expected an integer" },
        { """{"model":"mock","messages":[{"role":"user","content":"x"}],"nvext":{"agent_hints":{"osl":-3}}}""", HttpStatusCode.BadRequest, "nvext.agent_hints.osl", "0 or more" },
        { """{"model":"mock","messages":[{"role":"user","content":"x"}],"nvext":{"agent_hints":{"speculative_prefill":1}}}""", HttpStatusCode.BadRequest, "nvext.agent_hints.speculative_prefill", "expected a boolean" },
        { """{"model":"mock","messages":[{"role":"user","content":"x"}],"nvext":{"agent_context":{"session_id":7}}}""", HttpStatusCode.BadRequest, "nvext.agent_context.session_id", "expected a string" },
        { """{"model":"mock","messages":[{"role":"user","content":"x"}],"nvext":{"agent_hints":[]}}""", HttpStatusCode.BadRequest, "nvext.agent_hints", "expected an object" },
        // A lone UTF-16 surrogate can never become text: a 400 naming the field, wherever it is.
        { """{"model":"mock","messages":[{"role":"user","content":"a\ud800b"}]}""", HttpStatusCode.BadRequest, "messages[0].content", "unpaired UTF-16 surrogate" },
        { """{"model":"mock","messages":[{"role":"user","content":[{"type":"text","text":"\udc00"}]}]}""", HttpStatusCode.BadRequest, "messages[0].content[0].text", "unpaired UTF-16 surrogate" },
        { """{"model":"mo\ud800ck","messages":[{"role":"user","content":"x"}]}""", HttpStatusCode.BadRequest, "model", "unpaired UTF-16 surrogate" },
        { """{"model":"mock","messages":[{"role":"user","content":"x"}],"stop":["ok","\ud83d"]}""", HttpStatusCode.BadRequest, "stop[1]", "unpaired UTF-16 surrogate" },
        { """{"model":"mock","messages":[{"role":"user","content":"x"}],"chat_template_kwargs":{"k":"\ud800"}}""", HttpStatusCode.BadRequest, "chat_template_kwargs.k", "unpaired UTF-16 surrogate" },
        // The sampling contract: what cannot be followed is a 400 naming the field.
        { """{"model":"mock","messages":[{"role":"user","content":"x"}],"logprobs":true,"top_logprobs":21}""", HttpStatusCode.BadRequest, "top_logprobs", "between 0 and 20" },
        { """{"model":"mock","messages":[{"role":"user","content":"x"}],"top_logprobs":3}""", HttpStatusCode.BadRequest, "top_logprobs", "needs 'logprobs': true" },
        { """{"model":"mock","messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_schema","json_schema":{"name":"a","schema":{"type":"string","contentEncoding":"base64"}}}}""", HttpStatusCode.BadRequest, "response_format", "contentEncoding" },
        { """{"model":"mock","messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_schema","json_schema":{"name":"a","schema":{"type":"wizard"}}}}""", HttpStatusCode.BadRequest, "response_format", "wizard" },
        { """{"model":"mock","messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_schema","json_schema":{"name":"a","schema":5}}}""", HttpStatusCode.BadRequest, "response_format.json_schema.schema", "JSON Schema" },
        { """{"model":"mock","messages":[{"role":"user","content":"x"}],"response_format":{"type":"yaml"}}""", HttpStatusCode.BadRequest, "response_format.type", "json_schema" },
        { """{"model":"mock","messages":[{"role":"user","content":"x"}],"structured_outputs":{"json":"{not json"}}""", HttpStatusCode.BadRequest, "structured_outputs.json", "not valid JSON" },
        { """{"model":"mock","messages":[{"role":"user","content":"x"}],"structured_outputs":{"regex":"(a"}}""", HttpStatusCode.BadRequest, "structured_outputs.regex", "unclosed" },
        { """{"model":"mock","messages":[{"role":"user","content":"x"}],"structured_outputs":{"grammar":"start: start \"a\""}}""", HttpStatusCode.BadRequest, "structured_outputs.grammar", "left-recursive" },
        { """{"model":"mock","messages":[{"role":"user","content":"x"}],"structured_outputs":{"choice":[]}}""", HttpStatusCode.BadRequest, "structured_outputs.choice", "non-empty" },
        { """{"model":"mock","messages":[{"role":"user","content":"x"}],"structured_outputs":{"structural_tag":"x"}}""", HttpStatusCode.BadRequest, "structured_outputs.structural_tag", "not supported" },
        { """{"model":"mock","messages":[{"role":"user","content":"x"}],"guided_regex":"a","guided_choice":["b"]}""", HttpStatusCode.BadRequest, "guided_choice", "not 'guided_regex' and 'guided_choice' together" },
        { """{"model":"mock","messages":[{"role":"user","content":"x"}],"logit_bias":{"abc":-100}}""", HttpStatusCode.BadRequest, "logit_bias", "token ids" },
        { """{"model":"mock","messages":[{"role":"user","content":"x"}],"logit_bias":{"999999":-100}}""", HttpStatusCode.BadRequest, "logit_bias", "outside the vocabulary" },
        { """{"model":"mock","messages":[{"role":"user","content":"x"}],"logit_bias":{"5":-101}}""", HttpStatusCode.BadRequest, "logit_bias", "between -100 and 100" },
        { """{"model":"mock","messages":[{"role":"user","content":"x"}],"stop_token_ids":[-1]}""", HttpStatusCode.BadRequest, "stop_token_ids", "token ids" },
        { """{"model":"mock","messages":[{"role":"user","content":"x"}],"max_tokens":4,"min_tokens":5}""", HttpStatusCode.BadRequest, "min_tokens", "between 0 and the token budget" },
        { """{"model":"mock","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":"required"}""", HttpStatusCode.BadRequest, "tool_choice", "tool-call parser" },
        { """{"model":"echo","messages":[{"role":"user","content":"x"}],"logprobs":true}""", HttpStatusCode.BadRequest, null, "only repeats its prompt" },
    };

    [Theory]
    [MemberData(nameof(BadChats))]
    public async Task BadChatRequestsGetOpenAiErrors(string body, HttpStatusCode status, string? param, string message)
    {
        using var response = await _server.PostJsonAsync("/v1/chat/completions", body);

        await AssertErrorAsync(response, status, param, message);
    }

    [Fact]
    public async Task BodyOverTheLimitIs413WithOrWithoutContentLength()
    {
        var big = $$"""{"model":"mock","messages":[{"role":"user","content":"{{new string('x', 8000)}}"}]}""";
        using (var response = await _server.PostJsonAsync("/v1/chat/completions", big))
            await AssertErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, null, "larger than the limit of 4096 bytes");

        // Chunked: no Content-Length, so the limit must hold while reading.
        var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big)));
        chunked.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        using var chunkedResponse = await _server.Client.SendAsync(request);
        await AssertErrorAsync(chunkedResponse, HttpStatusCode.RequestEntityTooLarge, null, "larger than the limit");
    }

    [Fact]
    public async Task EngineFailureIs500WithoutAStackTraceAndNeighboursAreUnharmed()
    {
        var neighbour = _server.PostJsonAsync("/v1/chat/completions", """{"model":"echo","messages":[{"role":"user","content":"still here"}]}""");
        using var response = await _server.PostJsonAsync("/v1/chat/completions", """{"model":"faulty","messages":[{"role":"user","content":"x"}]}""");

        var body = await AssertErrorAsync(response, HttpStatusCode.InternalServerError, null, "The engine failed: the GPU caught fire");
        Assert.DoesNotContain(" at ", body);
        using var ok = await neighbour;
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Contains("still here", await ok.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task EngineFailureMidStreamEndsTheStreamWithAnErrorEvent()
    {
        using var response = await _server.PostJsonAsync("/v1/chat/completions", """{"model":"faulty","stream":true,"messages":[{"role":"user","content":"stream"}]}""");
        var events = await Sse.ReadAllAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // the status went out with the first chunk
        Assert.Equal("[DONE]", events[^1]);
        var error = JsonDocument.Parse(events[^2]).RootElement.GetProperty("error");
        Assert.Contains("the GPU caught fire", error.GetProperty("message").GetString());
        Assert.DoesNotContain(" at ", events[^2]);
    }

    [Fact]
    public async Task UnknownRouteAndBadCompletionPromptAreOpenAiErrors()
    {
        using (var response = await _server.Client.GetAsync("/v1/nothing"))
            await AssertErrorAsync(response, HttpStatusCode.NotFound, null, "No route");
        using (var response = await _server.PostJsonAsync("/v1/completions", """{"model":"mock","prompt":{"a":1}}"""))
            await AssertErrorAsync(response, HttpStatusCode.BadRequest, "prompt", "must be a string");
        using (var response = await _server.PostJsonAsync("/v1/completions", """{"model":"mock","prompt":[1, 99999]}"""))
            await AssertErrorAsync(response, HttpStatusCode.BadRequest, "prompt", "token ids");
    }

    [Fact]
    public async Task FieldsOpenAiDefinesAtTheirNeutralValuesAndFieldsNobodyDefinesAreAccepted()
    {
        // SDKs send extras (store, metadata, service_tier); the not-yet-built fields at values that ask for nothing are fine.
        using var response = await _server.PostJsonAsync("/v1/chat/completions", """
            {"model":"echo","messages":[{"role":"user","content":"fine"}],"store":false,"metadata":{"a":"b"},"service_tier":"auto",
             "logprobs":false,"response_format":{"type":"text"},"logit_bias":{},"tools":[{"type":"function","function":{"name":"f"}}],"parallel_tool_calls":true}
            """);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("fine", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task CompletionsCheckLogprobsAndTraceEventsRefuseALoneSurrogate()
    {
        using (var response = await _server.PostJsonAsync("/v1/completions", """{"model":"mock","prompt":"x","logprobs":21}"""))
            await AssertErrorAsync(response, HttpStatusCode.BadRequest, "logprobs", "between 0 and 20");
        using (var response = await _server.PostJsonAsync("/v1/completions", """{"model":"mock","prompt":"\udfff"}"""))
            await AssertErrorAsync(response, HttpStatusCode.BadRequest, "prompt", "unpaired UTF-16 surrogate");
    }

    internal static async Task<string> AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string? param, string message)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {status}, got {response.StatusCode}: {body}");
        if (response.Content.Headers.ContentType?.MediaType == "application/json")
        {
            var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
            Assert.Contains(message, error.GetProperty("message").GetString());
            Assert.False(string.IsNullOrEmpty(error.GetProperty("type").GetString()));
            Assert.Equal(param, error.GetProperty("param").GetString());
            Assert.True(error.TryGetProperty("code", out _));
        }
        else
            Assert.Fail($"expected a JSON error body, got {response.Content.Headers.ContentType}: {body}");
        return body;
    }
}
