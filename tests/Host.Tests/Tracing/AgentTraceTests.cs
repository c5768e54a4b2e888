using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Text.Json;
using Dynamo.Dev.Commands;
using Dynamo.Testing;
using Dynamo.Runtime.Tracing;

namespace Dynamo.Host.Tests.Tracing;

/// <summary>
/// The older agent trace configuration (<c>Dynamo:AgentTrace</c>, schema <c>dynamo.agent.trace.v1</c>): written by a
/// real host, read back field by field, summarized, and never in a request's way.
/// </summary>
[Collection(RequestTraceCollection.Name)]
public sealed class AgentTraceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dynamo-trace-").FullName;

    private static object Config(string prefix, string sink = "jsonl", long maxFileBytes = 1 << 20, int queue = 4096) => new
    {
        Dynamo = new
        {
            AgentTrace = new { Enabled = true, Sink = sink, Path = prefix, MaxFileBytes = maxFileBytes, QueueCapacity = queue },
            Models = new[] { TestConfigs.Model("mock", new { Name = "mocker", DecodeItlMs = 1, PrefillTokensPerSecond = 1_000_000, OutputTokens = 6, KvBlockSize = 4 }) },
        },
    };

    private static string Chat(string content, bool stream, string trajectory) => JsonSerializer.Serialize(new
    {
        model = "mock",
        messages = new[] { new { role = "user", content } },
        stream,
        stream_options = stream ? new { include_usage = true } : null,
        nvext = new { agent_context = new { session_type_id = "coder", session_id = "s1", trajectory_id = trajectory } },
    });

    private static List<JsonElement> ReadLines(IEnumerable<string> files) =>
        files.Order().SelectMany(f =>
        {
            using var stream = File.OpenRead(f);
            using var reader = new StreamReader(f.EndsWith(".gz") ? new GZipStream(stream, CompressionMode.Decompress) : stream);
            return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        }).ToList();

    [Fact]
    public async Task Requests_and_harness_tool_events_land_in_one_trace_that_summarize_totals_per_trajectory()
    {
        var prefix = Path.Combine(_dir, "trace");
        string unaryId;
        await using (var server = await DynamoServer.StartAsync(Config(prefix)))
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(Chat("Hello there, agent.", false, "t1"), System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Add("x-request-id", "harness-42");
            using var unary = await server.Client.SendAsync(request);
            using (var body = JsonDocument.Parse(await unary.Content.ReadAsStringAsync()))
                unaryId = body.RootElement.GetProperty("id").GetString()!;
            using var streamed = await server.PostJsonAsync("/v1/chat/completions", Chat("Hello there, agent. Again.", true, "t1"));
            await Sse.ReadAllAsync(streamed);
            using var start = await server.PostJsonAsync("/v1/agent/tool_events", """
                {"event_type":"tool_start","agent_context":{"session_id":"s1","trajectory_id":"t1"},"tool":{"tool_call_id":"call_1","tool_class":"shell"}}
                """);
            Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
            using var end = await server.PostJsonAsync("/v1/agent/tool_events", """
                {"event_type":"tool_end","event_time_unix_ms":1795550000000,"agent_context":{"session_id":"s1","trajectory_id":"t1"},"tool":{"tool_call_id":"call_1","tool_class":"shell","status":"ok","duration_ms":1500,"output_bytes":2048}}
                """);
            Assert.Equal(HttpStatusCode.Accepted, end.StatusCode);
        }

        var file = Assert.Single(Directory.GetFiles(_dir));
        Assert.EndsWith("trace.0000.jsonl", file);
        var lines = ReadLines([file]);
        Assert.Equal(4, lines.Count);
        Assert.All(lines, l => Assert.Equal("dynamo.agent.trace.v1", l.GetProperty("event").GetProperty("schema").GetString()));
        Assert.All(lines, l => Assert.True(l.GetProperty("timestamp").GetInt64() > 1_700_000_000_000));

        var first = lines[0].GetProperty("event");
        Assert.Equal(("request_end", "dynamo"), (first.GetProperty("event_type").GetString(), first.GetProperty("event_source").GetString()));
        Assert.Equal("coder", first.GetProperty("agent_context").GetProperty("session_type_id").GetString());
        Assert.Equal("t1", first.GetProperty("agent_context").GetProperty("trajectory_id").GetString());
        var r = first.GetProperty("request");
        Assert.Equal(unaryId, r.GetProperty("request_id").GetString());
        Assert.Equal("harness-42", r.GetProperty("x_request_id").GetString());
        Assert.Equal(("mock", "success"), (r.GetProperty("model").GetString(), r.GetProperty("status").GetString()));
        Assert.Equal("user: Hello there, agent.\nassistant:".Length, r.GetProperty("input_tokens").GetInt32());
        Assert.Equal(6, r.GetProperty("output_tokens").GetInt32());
        Assert.Equal(0, r.GetProperty("cached_tokens").GetInt32());
        Assert.Equal(0, r.GetProperty("queue_depth").GetInt32());
        Assert.Equal("mock/0", r.GetProperty("worker").GetProperty("worker_id").GetString());
        var (wait, prefill, ttft, total) = (r.GetProperty("prefill_wait_time_ms").GetDouble(), r.GetProperty("prefill_time_ms").GetDouble(),
            r.GetProperty("ttft_ms").GetDouble(), r.GetProperty("total_time_ms").GetDouble());
        Assert.True(wait >= 0 && prefill >= 0 && ttft > 0 && ttft <= total, $"wait {wait}, prefill {prefill}, ttft {ttft}, total {total}");
        Assert.Equal(wait + prefill, ttft, 3);
        Assert.True(r.GetProperty("avg_itl_ms").GetDouble() > 0);
        Assert.True(r.GetProperty("request_received_ms").GetInt64() <= first.GetProperty("event_time_unix_ms").GetInt64());

        // The second turn shares the first's prompt blocks: the trace says so.
        var second = lines[1].GetProperty("event").GetProperty("request");
        Assert.True(second.GetProperty("cached_tokens").GetInt32() > 0);
        Assert.Equal((double)second.GetProperty("cached_tokens").GetInt32() / second.GetProperty("input_tokens").GetInt32(), second.GetProperty("kv_hit_rate").GetDouble(), 6);

        var toolEnd = lines[3].GetProperty("event");
        Assert.Equal(("tool_end", "harness", 1795550000000L), (toolEnd.GetProperty("event_type").GetString(), toolEnd.GetProperty("event_source").GetString(), toolEnd.GetProperty("event_time_unix_ms").GetInt64()));
        var tool = toolEnd.GetProperty("tool");
        Assert.Equal(("call_1", "shell", "succeeded", 1500.0, 2048L), (tool.GetProperty("tool_call_id").GetString(), tool.GetProperty("tool_class").GetString(),
            tool.GetProperty("status").GetString(), tool.GetProperty("duration_ms").GetDouble(), tool.GetProperty("output_bytes").GetInt64()));

        var summary = new StringWriter();
        Assert.Equal(0, await TraceCommand.RunAsync(["summarize", file], summary));
        var row = Assert.Single(summary.ToString().Split('\n'), l => l.StartsWith("t1 ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // trajectory, requests, errors, input, output, cache hit (n %), model s, tool calls, tool errors, tool s
        Assert.Equal(["t1", "2", "0"], row[..3]);
        Assert.Equal((r.GetProperty("input_tokens").GetInt32() + second.GetProperty("input_tokens").GetInt32()).ToString(), row[3]);
        Assert.Equal("12", row[4]);
        Assert.Equal(["1", "0", "1.50"], row[^3..]);
    }

    [Fact]
    public async Task The_gzip_sink_rolls_to_a_new_file_by_size_and_every_file_reads_back()
    {
        var prefix = Path.Combine(_dir, "rolled");
        await using (var server = await DynamoServer.StartAsync(Config(prefix, "jsonl_gz", maxFileBytes: 600)))
            for (var i = 0; i < 6; i++)
                using (var response = await server.PostJsonAsync("/v1/chat/completions", Chat($"turn {i}", false, "t2")))
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var files = Directory.GetFiles(_dir, "rolled.*.jsonl.gz");
        Assert.True(files.Length >= 3, $"{files.Length} files");
        var lines = ReadLines(files);
        Assert.Equal(6, lines.Count);
        Assert.All(lines, l => Assert.Equal("t2", l.GetProperty("event").GetProperty("agent_context").GetProperty("trajectory_id").GetString()));
    }

    [Fact]
    public async Task A_full_queue_drops_and_counts_events_and_requests_are_unaffected()
    {
        await using var server = await DynamoServer.StartAsync(Config(Path.Combine(_dir, "tiny"), queue: 1));
        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => server.PostJsonAsync("/v1/chat/completions", Chat($"request {i}", false, "t3"))));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

        var tracer = (RequestTracer)server.App.Services.GetService(typeof(RequestTracer))!;
        for (var i = 0; i < 200 && tracer.Dropped + tracer.Written < 40; i++)
            await Task.Delay(10);
        Assert.Equal(40, tracer.Dropped + tracer.Written);
        var metrics = await server.Client.GetStringAsync("/metrics");
        Assert.Equal(tracer.Dropped, PrometheusText.Value(metrics, "dynamo_request_trace_dropped_records"));
    }

    [Fact]
    public async Task Recording_never_waits_for_a_stuck_sink()
    {
        var sink = new StuckSink();
        var tracer = new RequestTracer(new RequestTraceOptions { Capacity = 4 }, TimeProvider.System, [sink]);
        await tracer.StartAsync(CancellationToken.None);
        for (var i = 0; i < 100; i++)
            tracer.Record(new TraceEvent("tool_start", i, "harness", null, Tool: new ToolTrace($"call_{i}", "shell")));
        // One event is with the stuck sink, four wait in the queue, the rest were dropped, none blocked.
        Assert.InRange(tracer.Dropped, 95, 96);
        sink.Release();
    }

    [Theory]
    [InlineData("""{"event_type":"tool_run","tool":{"tool_call_id":"c"}}""", "event_type")]
    [InlineData("""{"event_type":"tool_end","tool":{}}""", "tool.tool_call_id")]
    [InlineData("""{"event_type":"tool_end","tool":{"tool_call_id":"c","duration_ms":-1}}""", "tool.duration_ms")]
    [InlineData("""{"event_type":"tool_end","agent_context":"s1","tool":{"tool_call_id":"c"}}""", "agent_context")]
    [InlineData("""{"event_type":"tool_end","tool":{"tool_call_id":"c","status":"exploded"}}""", "tool.status")]
    [InlineData("""{"schema":"dynamo.other.v9","event_type":"tool_end","tool":{"tool_call_id":"c"}}""", "schema")]
    [InlineData("""{"event_type":"tool_end","session_id":7,"tool":{"tool_call_id":"c"}}""", "session_id")]
    [InlineData("""{"event_type":"tool_end","tool":{"tool_call_id":"c","output_tokens":-3}}""", "tool.output_tokens")]
    [InlineData("""{"event_type":"tool_end","tool":{"tool_call_id":"c","arguments":"{}"}}""", "tool.arguments")]
    [InlineData("""{"event_type":"tool_end","event_source":"dynamo","tool":{"tool_call_id":"c"}}""", "event_source")]
    [InlineData("""{"event_type":"tool_end","agent_context":{"session":"s"},"tool":{"tool_call_id":"c"}}""", "agent_context.session")]
    public async Task A_bad_tool_event_is_a_400_naming_the_field(string body, string param)
    {
        await using var server = await DynamoServer.StartAsync(Config(Path.Combine(_dir, "bad")));
        using var response = await server.PostJsonAsync("/v1/agent/tool_events", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(param, error.RootElement.GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public async Task Tool_events_with_tracing_off_are_refused_saying_how_to_turn_it_on()
    {
        await using var server = await DynamoServer.StartAsync(TestConfigs.Default());
        using var response = await server.PostJsonAsync("/v1/agent/tool_events", """{"event_type":"tool_end","tool":{"tool_call_id":"c"}}""");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("agent_trace_disabled", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Each_request_is_an_OpenTelemetry_span_with_its_usage()
    {
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "Dynamo.Frontend",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (spans) spans.Add(a); },
        };
        ActivitySource.AddActivityListener(listener);
        await using var server = await DynamoServer.StartAsync(TestConfigs.Default());
        using var response = await server.PostJsonAsync("/v1/chat/completions", Chat("span me", false, "t-span"));

        Activity span;
        lock (spans)
            span = Assert.Single(spans, a => (string?)a.GetTagItem("dynamo.agent.trajectory_id") == "t-span");
        Assert.Equal("chat_completions", span.OperationName);
        Assert.Equal(ActivityStatusCode.Ok, span.Status);
        Assert.Equal(24, span.GetTagItem("gen_ai.usage.output_tokens"));
        Assert.Equal("mock/0", span.GetTagItem("dynamo.worker_id"));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private sealed class StuckSink : ITraceSink
    {
        private readonly TaskCompletionSource _gate = new();

        public void Release() => _gate.TrySetResult();

        public async ValueTask WriteAsync(TraceLine line, ReadOnlyMemory<byte> json) => await _gate.Task;

        public ValueTask FlushAsync() => ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
