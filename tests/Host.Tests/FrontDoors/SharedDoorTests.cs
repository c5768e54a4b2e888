using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Dynamo.Testing;

namespace Dynamo.Host.Tests.FrontDoors;

/// <summary>What every door shares: API keys, model aliases, tokenize, identity from headers, the endpoint label and the trace.</summary>
public sealed class SharedDoorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dynamo-doors-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string Chat = """{"model":"mock","messages":[{"role":"user","content":"hi"}],"max_tokens":2}""";
    private const string Messages = """{"model":"mock","messages":[{"role":"user","content":"hi"}],"max_tokens":2}""";
    private const string Responses = """{"model":"mock","input":"hi","max_output_tokens":2}""";

    private static HttpRequestMessage Post(string path, string body, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers)
            request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }

    [Fact]
    public async Task With_api_keys_every_v1_route_needs_one_in_its_own_error_shape_and_probes_stay_open()
    {
        await using var server = await DynamoServer.StartAsync(new { Dynamo = new { ApiKeys = new[] { "key-one", "key-two" }, Models = TestConfigs.DefaultModels } });

        foreach (var (path, body) in new[] { ("/v1/chat/completions", Chat), ("/v1/messages", Messages), ("/v1/responses", Responses), ("/v1/tokenize", """{"model":"mock","prompt":"x"}""") })
        {
            using var missing = await server.Client.SendAsync(Post(path, body));
            Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
            using var json = JsonDocument.Parse(await missing.Content.ReadAsStringAsync());
            if (path == "/v1/messages")
                Assert.Equal("authentication_error", json.RootElement.GetProperty("error").GetProperty("type").GetString());
            else
                Assert.Equal("missing_api_key", json.RootElement.GetProperty("error").GetProperty("code").GetString());

            using var wrong = await server.Client.SendAsync(Post(path, body, ("Authorization", "Bearer key-three")));
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            using var bearer = await server.Client.SendAsync(Post(path, body, ("Authorization", "Bearer key-two")));
            Assert.Equal(HttpStatusCode.OK, bearer.StatusCode);
            using var header = await server.Client.SendAsync(Post(path, body, ("x-api-key", "key-one")));
            Assert.Equal(HttpStatusCode.OK, header.StatusCode);
        }
        using var models = await server.Client.GetAsync("/v1/models");
        Assert.Equal(HttpStatusCode.Unauthorized, models.StatusCode);
        foreach (var open in new[] { "/health", "/live", "/metrics" })
        {
            using var response = await server.Client.GetAsync(open);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task Aliases_reach_served_models_and_tokenize_round_trips_through_the_template()
    {
        await using var server = await DynamoServer.StartAsync(new
        {
            Dynamo = new
            {
                ModelAliases = new Dictionary<string, string> { ["claude-*"] = "mock", ["claude-haiku-*"] = "echo", ["gpt-5?"] = "echo" },
                Models = TestConfigs.DefaultModels,
            },
        });
        async Task<JsonElement> Get(string path, HttpStatusCode status)
        {
            using var response = await server.Client.GetAsync(path);
            Assert.Equal(status, response.StatusCode);
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        }
        Assert.Equal("mock", (await Get("/v1/models/mock", HttpStatusCode.OK)).GetProperty("id").GetString());
        Assert.Equal("claude-opus-4-1", (await Get("/v1/models/claude-opus-4-1", HttpStatusCode.OK)).GetProperty("id").GetString());
        Assert.Equal("model", (await Get("/v1/models/llama-3", HttpStatusCode.NotFound)).GetProperty("error").GetProperty("param").GetString());

        // The most literal pattern wins: a Haiku (Claude Code's background model) goes to echo, the rest of Claude to mock.
        using (var haiku = await server.PostJsonAsync("/v1/messages", """{"model":"claude-haiku-4-5","max_tokens":50,"messages":[{"role":"user","content":"ping"}]}"""))
            Assert.Equal("ping", JsonDocument.Parse(await haiku.Content.ReadAsStringAsync()).RootElement.GetProperty("content")[0].GetProperty("text").GetString());
        using (var gpt = await server.PostJsonAsync("/v1/responses", """{"model":"gpt-51","input":"pong"}"""))
            Assert.Equal(HttpStatusCode.OK, gpt.StatusCode);
        using (var nope = await server.PostJsonAsync("/v1/responses", """{"model":"gpt-5-mini","input":"pong"}"""))
            Assert.Equal(HttpStatusCode.NotFound, nope.StatusCode);

        // Tokenize: text and back; a chat counts what the chat endpoint bills.
        using var tokenized = await server.PostJsonAsync("/v1/tokenize", """{"model":"mock","prompt":"Hello, wörld","add_special_tokens":false}""");
        var tokens = JsonDocument.Parse(await tokenized.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(tokens.GetProperty("tokens").GetArrayLength(), tokens.GetProperty("count").GetInt32());
        Assert.Equal(4096, tokens.GetProperty("max_model_len").GetInt32());
        using var detokenized = await server.PostJsonAsync("/v1/detokenize", JsonSerializer.Serialize(new { model = "mock", tokens = tokens.GetProperty("tokens") }));
        Assert.Equal("Hello, wörld", JsonDocument.Parse(await detokenized.Content.ReadAsStringAsync()).RootElement.GetProperty("prompt").GetString());

        using var chatTokens = await server.PostJsonAsync("/v1/tokenize", """{"model":"mock","messages":[{"role":"user","content":"hi"}]}""");
        using var chat = await server.PostJsonAsync("/v1/chat/completions", Chat);
        Assert.Equal(JsonDocument.Parse(await chatTokens.Content.ReadAsStringAsync()).RootElement.GetProperty("count").GetInt32(),
            JsonDocument.Parse(await chat.Content.ReadAsStringAsync()).RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        using var both = await server.PostJsonAsync("/v1/tokenize", """{"model":"mock","prompt":"x","messages":[]}""");
        Assert.Equal(HttpStatusCode.BadRequest, both.StatusCode);
    }

    [Fact]
    public async Task Harness_headers_become_the_agent_context_the_trace_names_their_source_and_metrics_their_door()
    {
        var prefix = Path.Combine(_dir, "trace");
        await using (var server = await DynamoServer.StartAsync(new
        {
            Dynamo = new
            {
                AgentTrace = new { Enabled = true, Sink = "jsonl", Path = prefix },
                Models = new[] { TestConfigs.Model("doors", new { Name = "mocker", DecodeItlMs = 0, OutputTokens = 2, KvBlockSize = 4 }, new { Replicas = 2, Router = "round-robin" }) },
            },
        }))
        {
            static string M(string body) => body.Replace("\"mock\"", "\"doors\"");
            // Claude Code: its session and agent ids.
            using (var claude = await server.Client.SendAsync(Post("/v1/messages", M(Messages), ("X-Claude-Code-Session-Id", "cc-1"), ("x-claude-code-agent-id", "agent-7"), ("x-claude-code-parent-agent-id", "agent-1"))))
                Assert.Equal(HttpStatusCode.OK, claude.StatusCode);
            // Codex: its session id header; prompt_cache_key alone names the session when no header does.
            using (var codex = await server.Client.SendAsync(Post("/v1/responses", M(Responses), ("session-id", "codex-1"), ("originator", "codex_exec"))))
                Assert.Equal(HttpStatusCode.OK, codex.StatusCode);
            using (var keyed = await server.Client.SendAsync(Post("/v1/responses", M(Responses).Replace("\"input\"", "\"prompt_cache_key\":\"pck-1\",\"input\""))))
                Assert.Equal(HttpStatusCode.OK, keyed.StatusCode);
            // OpenCode, and Dynamo's own headers with a parent; the body's agent_context wins over headers.
            using (var opencode = await server.Client.SendAsync(Post("/v1/chat/completions", M(Chat), ("x-session-id", "oc-1"), ("x-parent-session-id", "oc-0"))))
                Assert.Equal(HttpStatusCode.OK, opencode.StatusCode);
            using (var body = await server.Client.SendAsync(Post("/v1/chat/completions",
                M(Chat).Replace("\"max_tokens\"", "\"nvext\":{\"agent_context\":{\"session_id\":\"from-body\"}},\"max_tokens\""), ("X-Dynamo-Session-ID", "from-header"))))
                Assert.Equal(HttpStatusCode.OK, body.StatusCode);

            // A bound session, then X-Dynamo-Session-Final on another door ends it.
            using (var bind = await server.PostJsonAsync("/v1/chat/completions",
                M(Chat).Replace("\"max_tokens\"", "\"nvext\":{\"agent_context\":{\"session_id\":\"dyn-1\"},\"session_control\":{\"session_id\":\"dyn-1\",\"action\":\"bind\",\"timeout\":60}},\"max_tokens\"")))
                Assert.Equal(HttpStatusCode.OK, bind.StatusCode);
            Assert.Equal(1, server.Model("doors").BoundSessions);
            using (var final = await server.Client.SendAsync(Post("/v1/messages", M(Messages), ("X-Dynamo-Session-ID", "dyn-1"), ("X-Dynamo-Parent-Session-ID", "dyn-0"), ("X-Dynamo-Session-Final", "true"))))
                Assert.Equal(HttpStatusCode.OK, final.StatusCode);
            Assert.Equal(0, server.Model("doors").BoundSessions);

            var metrics = await server.Client.GetStringAsync("/metrics");
            Assert.Equal(2, PrometheusText.Value(metrics, "dynamo_frontend_requests_total", "model=doors", "endpoint=messages", "status=success"));
            Assert.Equal(2, PrometheusText.Value(metrics, "dynamo_frontend_requests_total", "model=doors", "endpoint=responses", "status=success"));
            Assert.Equal(3, PrometheusText.Value(metrics, "dynamo_frontend_requests_total", "model=doors", "endpoint=chat_completions", "status=success"));
        }

        var lines = Directory.GetFiles(_dir).Order().SelectMany(File.ReadAllLines).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("event").Clone())
            .Where(e => e.GetProperty("event_type").GetString() == "request_end").ToList();
        (string? Session, string? Source, string? Endpoint, string? Trajectory, string? Parent) Read(JsonElement e)
        {
            var context = e.TryGetProperty("agent_context", out var c) && c.ValueKind == JsonValueKind.Object ? c : default;
            string? Field(JsonElement o, string name) => o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            var request = e.GetProperty("request");
            return (Field(context, "session_id"), Field(request, "identity_source"), Field(request, "endpoint"), Field(context, "trajectory_id"), Field(context, "parent_session_id"));
        }
        var seen = lines.Select(Read).ToList();
        Assert.Contains(("cc-1", "x-claude-code-session-id", "messages", "agent-7", null), seen);
        Assert.Contains(("codex-1", "session-id", "responses", null, null), seen);
        Assert.Contains(("pck-1", "prompt_cache_key", "responses", null, null), seen);
        Assert.Contains(("oc-1", "x-session-id", "chat_completions", null, "oc-0"), seen);
        Assert.Contains(("from-body", "nvext", "chat_completions", null, null), seen);
        Assert.Contains(("dyn-1", "x-dynamo-session-id", "messages", null, "dyn-0"), seen);
        var claudeLine = lines.Single(l => Read(l).Session == "cc-1");
        Assert.Equal("agent-1", claudeLine.GetProperty("agent_context").GetProperty("parent_trajectory_id").GetString());
    }
}
