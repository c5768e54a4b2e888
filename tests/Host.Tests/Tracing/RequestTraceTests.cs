using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dynamo.Testing;

namespace Dynamo.Host.Tests.Tracing;

/// <summary>
/// The request trace (<c>dynamo.request.trace.v1</c>) from a real host: every record type written to
/// rolling gzip segments and read back field by field.
/// </summary>
[Collection(RequestTraceCollection.Name)]
public sealed class RequestTraceTests : IDisposable
{
    private const string WeatherCall = """<tool_call>{"name": "get_weather", "arguments": {"city": "Paris"}}</tool_call>""";

    private readonly string _dir = Directory.CreateTempSubdirectory("dynamo-request-trace-").FullName;

    private static object Config(string prefix, double itlMs = 0) => new
    {
        Dynamo = new
        {
            RequestTrace = new
            {
                Enabled = true,
                Records = new[] { "request_end", "request_payload", "tool", "router_selection" },
                FileFormat = "jsonl_gz",
                FilePath = prefix,
                FileRollLines = 3,
                HttpHeaderCaptureList = new[] { "x-request-id", "x-team" },
            },
            Models = new[]
            {
                TestConfigs.Model("agent", new { Name = "mocker", DecodeItlMs = itlMs, KvBlockSize = 4, Script = new[] { "Let me look. " + WeatherCall, "Sunny." } },
                    new { ToolCallParser = "hermes", Replicas = 2, Router = new { Name = "kv", Seed = 3 } }),
            },
        },
    };

    private static string Chat(bool stream, params object[] messages) => JsonSerializer.Serialize(new
    {
        model = "agent",
        messages,
        tools = new[] { new { type = "function", function = new { name = "get_weather", parameters = new { type = "object", properties = new { city = new { type = "string" } } } } } },
        stream,
        stream_options = stream ? new { include_usage = true } : null,
        nvext = new { agent_context = new { session_id = "s1", trajectory_id = "t1" } },
    });

    private static List<JsonElement> Records(IEnumerable<string> files) =>
        [.. files.Order().SelectMany(f =>
        {
            using var reader = new StreamReader(new GZipStream(File.OpenRead(f), CompressionMode.Decompress));
            return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("event").Clone()).ToList();
        })];

    [Fact]
    public async Task Every_record_type_lands_in_rolling_gzip_segments_with_Dynamo_s_fields()
    {
        var prefix = Path.Combine(_dir, "trace");
        string firstId;
        await using (var server = await DynamoServer.StartAsync(Config(prefix)))
        {
            var user = new { role = "user", content = "What is the weather in Paris today? Please look it up." };
            var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(Chat(false, user), Encoding.UTF8, "application/json") };
            request.Headers.Add("x-request-id", "r-1");
            request.Headers.Add("x-team", "blue");
            request.Headers.Add("x-secret", "never");
            using (var unary = await server.Client.SendAsync(request))
            using (var body = JsonDocument.Parse(await unary.Content.ReadAsStringAsync()))
                firstId = body.RootElement.GetProperty("id").GetString()!;

            var call = new { id = "call_1", type = "function", function = new { name = "get_weather", arguments = """{"city":"Paris"}""" } };
            using var streamed = await server.PostJsonAsync("/v1/chat/completions", Chat(true, user,
                new { role = "assistant", content = "Let me look. ", tool_calls = new[] { call } }, new { role = "tool", tool_call_id = "call_1", content = "sunny, 21C" }));
            await Sse.ReadAllAsync(streamed);

            // Dynamo's ingress shape: a top-level session id, a status alias.
            using var tool = await server.PostJsonAsync("/v1/agent/tool_events", """
                {"schema":"dynamo.request.trace.v1","event_type":"tool_end","event_time_unix_ms":1795550001500,"session_id":"s1","parent_session_id":"root",
                 "tool":{"tool_call_id":"call_1","tool_class":"get_weather","status":"ok","started_at_unix_ms":1795550001080,"ended_at_unix_ms":1795550001500,
                         "duration_ms":420.5,"output_tokens":12,"output_bytes":100,"tool_name_hash":"9f2c","error_type":null}}
                """);
            Assert.Equal(HttpStatusCode.Accepted, tool.StatusCode);
        }

        var files = Directory.GetFiles(_dir);
        Assert.All(files, f => Assert.Matches(@"trace\.\d{6}\.jsonl\.gz$", f));
        var records = Records(files);
        Assert.Equal(7, records.Count);
        Assert.Equal(3, files.Length); // three lines a segment
        Assert.All(records, r => Assert.Equal("dynamo.request.trace.v1", r.GetProperty("schema").GetString()));
        JsonElement[] Of(string type) => [.. records.Where(r => r.GetProperty("event_type").GetString() == type)];

        // request_end: replay hashes, both worker roles, the tool call's name and id but never its arguments.
        var ends = Of("request_end");
        Assert.Equal(2, ends.Length);
        var first = ends[0].GetProperty("request");
        Assert.Equal(firstId, first.GetProperty("request_id").GetString());
        var replay = first.GetProperty("replay");
        Assert.Equal(4, replay.GetProperty("trace_block_size").GetInt32());
        var input = first.GetProperty("input_tokens").GetInt32();
        Assert.Equal(input, replay.GetProperty("input_length").GetInt32());
        Assert.Equal((input + 3) / 4, replay.GetProperty("input_sequence_hashes").GetArrayLength());
        var worker = first.GetProperty("worker");
        Assert.Equal(worker.GetProperty("worker_id").GetString(), worker.GetProperty("prefill_worker_id").GetString());
        Assert.Equal(worker.GetProperty("worker_id").GetString(), worker.GetProperty("decode_worker_id").GetString());
        Assert.Equal(0, worker.GetProperty("decode_dp_rank").GetInt32());
        var finish = first.GetProperty("finish_reason_metadata");
        Assert.Equal(("tool_calls", "stop"), (finish.GetProperty("finish_reason").GetString(), finish.GetProperty("backend_finish_reason").GetString()));
        var traced = Assert.Single(finish.GetProperty("tool_calls").EnumerateArray());
        Assert.Equal(("get_weather", 0, 0), (traced.GetProperty("name").GetString(), traced.GetProperty("choice_index").GetInt32(), traced.GetProperty("tool_call_index").GetInt32()));
        Assert.False(string.IsNullOrEmpty(traced.GetProperty("id").GetString()));
        Assert.DoesNotContain("Paris", ends[0].GetRawText());
        var second = ends[1].GetProperty("request");
        Assert.Equal("stop", second.GetProperty("finish_reason_metadata").GetProperty("finish_reason").GetString());
        Assert.False(second.GetProperty("finish_reason_metadata").TryGetProperty("tool_calls", out _));
        // The second turn starts with the first one's prompt: their leading block hashes agree.
        Assert.Equal(replay.GetProperty("input_sequence_hashes")[0].GetUInt64(), second.GetProperty("replay").GetProperty("input_sequence_hashes")[0].GetUInt64());

        // router_selection: both workers scored, the cheapest chosen.
        var selections = Of("router_selection");
        Assert.Equal(2, selections.Length);
        var selection = selections[0].GetProperty("router_selection");
        Assert.Equal((firstId, "agent", "kv", "router", 0), (selection.GetProperty("request_id").GetString(), selection.GetProperty("model").GetString(),
            selection.GetProperty("router").GetString(), selection.GetProperty("reason").GetString(), selection.GetProperty("attempt").GetInt32()));
        Assert.Equal((input + 3) / 4, selection.GetProperty("input_blocks").GetInt32());
        var candidates = selection.GetProperty("candidates").EnumerateArray().ToList();
        Assert.Equal(2, candidates.Count);
        var chosen = Assert.Single(candidates, c => c.GetProperty("worker_id").GetString() == selection.GetProperty("selected_worker_id").GetString());
        Assert.Equal(candidates.Min(c => c.GetProperty("cost").GetDouble()), chosen.GetProperty("cost").GetDouble());
        Assert.All(candidates, c => Assert.True(c.TryGetProperty("device_overlap_blocks", out _) && c.TryGetProperty("host_overlap_blocks", out _)
            && c.TryGetProperty("disk_overlap_blocks", out _) && c.TryGetProperty("prefill_blocks", out _) && c.TryGetProperty("decode_blocks", out _)));
        Assert.Equal(worker.GetProperty("worker_id").GetString(), selection.GetProperty("selected_worker_id").GetString());

        // request_payload: the body as sent, the response (a stream's put together), only the allowlisted headers.
        var payloads = Of("request_payload");
        Assert.Equal(2, payloads.Length);
        var unaryPayload = payloads[0].GetProperty("payload");
        Assert.Equal((firstId, "openai.chat_completion", "agent", true), (unaryPayload.GetProperty("request_id").GetString(), unaryPayload.GetProperty("endpoint").GetString(),
            unaryPayload.GetProperty("model").GetString(), unaryPayload.GetProperty("payload_complete").GetBoolean()));
        Assert.Equal("s1", unaryPayload.GetProperty("request").GetProperty("nvext").GetProperty("agent_context").GetProperty("session_id").GetString());
        var unaryChoice = unaryPayload.GetProperty("response").GetProperty("choices")[0];
        Assert.Equal("tool_calls", unaryChoice.GetProperty("finish_reason").GetString());
        Assert.Equal("get_weather", unaryChoice.GetProperty("message").GetProperty("tool_calls")[0].GetProperty("function").GetProperty("name").GetString());
        var headers = unaryPayload.GetProperty("http_request_headers");
        Assert.Equal(["x-request-id=r-1", "x-team=blue"], headers.EnumerateObject().Select(h => $"{h.Name}={h.Value.GetString()}").Order());
        var streamPayload = payloads[1].GetProperty("payload");
        Assert.True(streamPayload.GetProperty("request").GetProperty("stream").GetBoolean());
        var streamChoice = streamPayload.GetProperty("response").GetProperty("choices")[0];
        Assert.Equal(("Sunny.", "stop"), (streamChoice.GetProperty("message").GetProperty("content").GetString(), streamChoice.GetProperty("finish_reason").GetString()));
        Assert.Equal(second.GetProperty("output_tokens").GetInt32(), streamPayload.GetProperty("response").GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.False(streamPayload.TryGetProperty("http_request_headers", out _));

        // tool: normalized status, every timing and size field, the session from the ingress shape.
        var toolEnd = Assert.Single(Of("tool_end"));
        Assert.Equal(("harness", 1795550001500L), (toolEnd.GetProperty("event_source").GetString(), toolEnd.GetProperty("event_time_unix_ms").GetInt64()));
        Assert.Equal(("s1", "root"), (toolEnd.GetProperty("agent_context").GetProperty("session_id").GetString(), toolEnd.GetProperty("agent_context").GetProperty("parent_session_id").GetString()));
        var t = toolEnd.GetProperty("tool");
        Assert.Equal(("call_1", "get_weather", "succeeded", 1795550001080L, 1795550001500L, 420.5, 12L, 100L, "9f2c"),
            (t.GetProperty("tool_call_id").GetString(), t.GetProperty("tool_class").GetString(), t.GetProperty("status").GetString(), t.GetProperty("started_at_unix_ms").GetInt64(),
             t.GetProperty("ended_at_unix_ms").GetInt64(), t.GetProperty("duration_ms").GetDouble(), t.GetProperty("output_tokens").GetInt64(), t.GetProperty("output_bytes").GetInt64(),
             t.GetProperty("tool_name_hash").GetString()));
    }

    [Fact]
    public async Task A_stream_the_client_drops_keeps_its_request_and_says_why_the_response_is_missing()
    {
        var prefix = Path.Combine(_dir, "dropped");
        await using (var server = await DynamoServer.StartAsync(Config(prefix, itlMs: 200)))
        {
            using var cancel = new CancellationTokenSource();
            var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
            {
                Content = new StringContent(Chat(true, new { role = "user", content = "Tell me a long story." }), Encoding.UTF8, "application/json"),
            };
            using var response = await server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel.Token);
            var stream = await response.Content.ReadAsStreamAsync(cancel.Token);
            await stream.ReadExactlyAsync(new byte[16], cancel.Token);
            cancel.Cancel();
            var model = ((Runtime.Models.ModelRegistry)server.App.Services.GetService(typeof(Runtime.Models.ModelRegistry))!).Find("agent")!;
            for (var i = 0; i < 100 && model.Workers.Any(w => w.Snapshot().Load.ActiveRequests > 0); i++)
                await Task.Delay(50);
        }
        var payload = Assert.Single(Records(Directory.GetFiles(_dir)), r => r.GetProperty("event_type").GetString() == "request_payload").GetProperty("payload");
        Assert.False(payload.GetProperty("payload_complete").GetBoolean());
        Assert.Equal("response_stream_dropped", payload.GetProperty("payload_drop_reason").GetString());
        Assert.Equal("Tell me a long story.", payload.GetProperty("request").GetProperty("messages")[0].GetProperty("content").GetString());
        Assert.False(payload.TryGetProperty("response", out _));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
