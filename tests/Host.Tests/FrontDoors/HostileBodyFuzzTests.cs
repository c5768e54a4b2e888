using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dynamo.Testing;

namespace Dynamo.Host.Tests.FrontDoors;

/// <summary>
/// Hostile bodies for the new endpoints: valid requests with values swapped for the wrong types,
/// extremes, lone surrogates, fields dropped, text cut short. Never a 500, never a hang, always an
/// error in the API's own shape, and the server still answers a good request afterwards.
/// </summary>
[Collection(Tracing.RequestTraceCollection.Name)]
public sealed class HostileBodyFuzzTests : IAsyncLifetime
{
    private readonly string _trace = Path.Combine(Path.GetTempPath(), $"dynamo-fuzz-trace-{Guid.NewGuid():N}.jsonl");
    private DynamoServer _server = null!;

    public async Task InitializeAsync() => _server = await DynamoServer.StartAsync(new
    {
        Dynamo = new
        {
            // Tool events need the request trace on.
            RequestTrace = new { Enabled = true, FilePath = _trace },
            Models = new[]
            {
                TestConfigs.Model("mock", new { Name = "mocker", DecodeItlMs = 0, OutputTokens = 8, MaxContextLength = 8192 },
                    new { ToolCallParser = "hermes", ReasoningParser = "qwen3" }),
            },
        },
    });

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        File.Delete(_trace);
    }

    private const string Messages = """
        {"model":"mock","max_tokens":16,"stream":false,"system":[{"type":"text","text":"x-anthropic-billing-header: cc_version=1;\nBe brief.","cache_control":{"type":"ephemeral"}}],
         "messages":[{"role":"user","content":"Hi"},
                     {"role":"assistant","content":[{"type":"thinking","thinking":"hm","signature":"s"},{"type":"tool_use","id":"t1","name":"f","input":{"a":1}}]},
                     {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":[{"type":"text","text":"ok"}],"is_error":false}]}],
         "tools":[{"name":"f","description":"d","input_schema":{"type":"object","properties":{"a":{"type":"integer"}}}},{"type":"web_search_20250305","name":"web_search"}],
         "tool_choice":{"type":"auto"},"thinking":{"type":"enabled","budget_tokens":4},"output_config":{"effort":"low"},"stop_sequences":["END"],
         "temperature":0.5,"top_p":0.9,"top_k":5,"metadata":{"user_id":"u"},"context_management":{"edits":[]}}
        """;

    private const string Responses = """
        {"model":"mock","instructions":"Be brief.","stream":false,"store":false,"max_output_tokens":16,
         "input":[{"type":"message","role":"developer","content":[{"type":"input_text","text":"rules"}]},
                  {"type":"message","role":"user","content":[{"type":"input_text","text":"Hi"}]},
                  {"type":"reasoning","id":"rs_1","summary":[{"type":"summary_text","text":"hm"}],"encrypted_content":"dynamo.r1.aG0="},
                  {"type":"function_call","call_id":"c1","name":"f","arguments":"{}"},
                  {"type":"function_call_output","call_id":"c1","output":"ok"},
                  {"type":"custom_tool_call","call_id":"c2","name":"apply_patch","input":"*** Begin Patch"},
                  {"type":"custom_tool_call_output","call_id":"c2","output":"done"}],
         "tools":[{"type":"function","name":"f","parameters":{"type":"object"}},{"type":"namespace","name":"ns","tools":[{"type":"function","name":"g"}]},
                  {"type":"custom","name":"apply_patch"},{"type":"web_search"}],
         "tool_choice":"auto","parallel_tool_calls":true,"reasoning":{"effort":"low","summary":"auto"},"include":["reasoning.encrypted_content"],
         "prompt_cache_key":"k","metadata":{"a":"b"},"user":"u","client_metadata":{"x":"y"},"text":{"verbosity":"low"},"temperature":0.5,"top_p":0.9}
        """;

    private const string Tokenize = """{"model":"mock","messages":[{"role":"user","content":"Hi"}],"add_special_tokens":true}""";

    private const string Detokenize = """{"model":"mock","tokens":[72,105]}""";

    private const string ToolEvent = """
        {"schema":"dynamo.request.trace.v1","event_type":"tool_end","event_time_unix_ms":1795550001500,"session_id":"s1","parent_session_id":"p",
         "agent_context":{"session_type_id":"coder","session_id":"s1","trajectory_id":"t1","parent_trajectory_id":"t0"},
         "tool":{"tool_call_id":"call_1","tool_class":"shell","status":"ok","started_at_unix_ms":1795550001080,"ended_at_unix_ms":1795550001500,
                 "duration_ms":420.5,"output_tokens":12,"output_bytes":100,"tool_name_hash":"9f2c","error_type":"none"}}
        """;

    public static TheoryData<string, string, int> Endpoints => new()
    {
        { "/v1/messages?beta=true", Messages, 1 },
        { "/v1/messages/count_tokens", Messages, 2 },
        { "/v1/responses", Responses, 3 },
        { "/v1/tokenize", Tokenize, 4 },
        { "/v1/detokenize", Detokenize, 5 },
        { "/v1/agent/tool_events", ToolEvent, 6 },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Hostile_bodies_get_errors_in_shape_never_a_500(string path, string seedBody, int seed)
    {
        using (var good = await _server.PostJsonAsync(path, seedBody))
            Assert.True(good.IsSuccessStatusCode, $"the seed body itself failed: {await good.Content.ReadAsStringAsync()}");

        var random = new Random(seed);
        var anthropic = path.StartsWith("/v1/messages", StringComparison.Ordinal);
        var (accepted, refused) = (0, 0);
        for (var i = 0; i < 150; i++)
        {
            var body = Mutate(seedBody, random);
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            using var response = await _server.PostJsonAsync(path, body, cancel.Token);
            var text = await response.Content.ReadAsStringAsync(cancel.Token);
            Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode} for {body}\n→ {text}");
            if (response.IsSuccessStatusCode)
            {
                accepted++;
                continue;
            }
            refused++;
            using var json = JsonDocument.Parse(text);
            var error = json.RootElement.GetProperty("error");
            if (anthropic)
                Assert.Equal("error", json.RootElement.GetProperty("type").GetString());
            Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()), text);
            Assert.DoesNotContain("   at ", text); // no stack trace
        }

        // Both paths were exercised: harmless changes answered, harmful ones refused.
        Assert.True(accepted >= 10 && refused >= 10, $"{accepted} accepted, {refused} refused");
        using var after = await _server.PostJsonAsync(path, seedBody);
        Assert.True(after.IsSuccessStatusCode, $"{(int)after.StatusCode}");
    }

    /// <summary>One hostile change: a value of another type or an extreme, a field gone, an array emptied or doubled, the text cut or a byte flipped.</summary>
    private static string Mutate(string seed, Random random)
    {
        switch (random.Next(10))
        {
            case 0:
                return seed[..random.Next(seed.Length)];
            case 1:
                var chars = seed.ToCharArray();
                const string junk = "{}[]\":,\\x0-";
                chars[random.Next(chars.Length)] = junk[random.Next(junk.Length)];
                return new string(chars);
        }
        var root = JsonNode.Parse(seed)!;
        var nodes = new List<JsonNode>();
        Collect(root, nodes);
        var target = nodes[random.Next(nodes.Count)];
        var replacement = random.Next(14) switch
        {
            0 => null,
            1 => JsonValue.Create(-1),
            2 => JsonValue.Create(0),
            3 => JsonValue.Create(1e300),
            4 => JsonValue.Create(long.MaxValue),
            5 => JsonValue.Create(""),
            6 => JsonValue.Create(LoneSurrogate),
            7 => JsonValue.Create(new string('x', 20_000)),
            8 => JsonValue.Create(true),
            9 => new JsonArray(),
            10 => new JsonObject(),
            11 => new JsonArray(JsonValue.Create(1), JsonValue.Create("a"), new JsonObject()),
            12 => JsonValue.Create("🙂\u0000<tool_call>"),
            _ => (JsonNode?)"drop",
        };
        if (target.Parent is JsonObject parent)
        {
            var name = parent.First(p => ReferenceEquals(p.Value, target)).Key;
            if (replacement?.GetValueKind() == JsonValueKind.String && replacement.GetValue<string>() == "drop")
                parent.Remove(name);
            else
                parent[name] = replacement;
        }
        else if (target.Parent is JsonArray array)
        {
            var index = array.IndexOf(target);
            if (random.Next(2) == 0)
                array.RemoveAt(index);
            else
                array[index] = replacement;
        }
        else
            return replacement?.ToJsonString() ?? "null";
        // A lone surrogate cannot be written by the serializer; clients that send one write it as an escape.
        return root.ToJsonString().Replace(LoneSurrogate, "\\ud800", StringComparison.Ordinal);
    }

    private const string LoneSurrogate = "LONE-SURROGATE";

    private static void Collect(JsonNode node, List<JsonNode> nodes)
    {
        nodes.Add(node);
        if (node is JsonObject obj)
            foreach (var (_, child) in obj)
                if (child is not null)
                    Collect(child, nodes);
        if (node is JsonArray array)
            foreach (var child in array)
                if (child is not null)
                    Collect(child, nodes);
    }
}
