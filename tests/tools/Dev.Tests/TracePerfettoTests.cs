using System.Text.Json;
using Dynamo.Dev.Commands;
using Dynamo.Runtime.Configuration;

namespace Dynamo.Dev.Tests;

/// <summary>
/// <c>dynamo-dev trace perfetto</c>: request trace records as Chrome trace-event JSON, checked against the
/// format's documented fields (ph, name, pid, tid, ts and dur in µs, metadata events naming tracks).
/// </summary>
public sealed class TracePerfettoTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dynamo-perfetto-").FullName;

    private static string Request(string id, long received, double total, string worker, string? toolCall = null) => JsonSerializer.Serialize(new
    {
        timestamp = received + (long)total,
        @event = new
        {
            schema = "dynamo.request.trace.v1", event_type = "request_end", event_time_unix_ms = received + (long)total, event_source = "dynamo",
            agent_context = new { session_id = "s1", trajectory_id = "t1" },
            request = new
            {
                request_id = id, model = "agent", status = "success", input_tokens = 100, output_tokens = 10, cached_tokens = 50, request_received_ms = received,
                prefill_wait_time_ms = 2.0, prefill_time_ms = 8.0, ttft_ms = 10.0, total_time_ms = total, avg_itl_ms = 1.0, kv_hit_rate = 0.5, queue_depth = 0,
                worker = new { worker_id = worker, migrations = 0, prefill_worker_id = worker, prefill_dp_rank = 0, decode_worker_id = worker, decode_dp_rank = 0 },
                finish_reason_metadata = toolCall is null
                    ? (object)new { finish_reason = "stop", backend_finish_reason = "stop" }
                    : new { finish_reason = "tool_calls", backend_finish_reason = "stop", tool_calls = new[] { new { choice_index = 0, tool_call_index = 0, id = toolCall, name = "shell" } } },
            },
        },
    });

    [Fact]
    public async Task Sessions_and_workers_get_tracks_and_model_and_tool_calls_become_nested_slices()
    {
        var file = Path.Combine(_dir, "trace.jsonl");
        await File.WriteAllLinesAsync(file,
        [
            Request("r1", 1_795_550_000_000, 40, "agent/0", toolCall: "call_1"),
            // The harness reported call_1; call_2 (below) it did not, so that one is inferred.
            """{"timestamp":1,"event":{"schema":"dynamo.request.trace.v1","event_type":"tool_end","event_time_unix_ms":1795550000300,"event_source":"harness","agent_context":{"session_id":"s1","trajectory_id":"t1"},"tool":{"tool_call_id":"call_1","tool_class":"shell","status":"succeeded","started_at_unix_ms":1795550000050,"ended_at_unix_ms":1795550000300,"duration_ms":250}}}""",
            Request("r2", 1_795_550_000_400, 30, "agent/1", toolCall: "call_2"),
            Request("r3", 1_795_550_000_600, 20, "agent/1"),
            // Bare records (stderr / NATS) of another session are read too.
            """{"schema":"dynamo.request.trace.v1","event_type":"request_end","event_time_unix_ms":1795550000050,"agent_context":{"session_id":"other"},"request":{"request_id":"r4","model":"agent","request_received_ms":1795550000010,"total_time_ms":40,"output_tokens":3}}""",
        ]);
        var output = Path.Combine(_dir, "out.json");
        var log = new StringWriter();
        Assert.Equal(0, await TraceCommand.RunAsync(["perfetto", file, "-o", output], log));
        Assert.Contains($"from 5 records in 1 input(s) to {output}", log.ToString());

        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(output));
        Assert.Equal("ms", document.RootElement.GetProperty("displayTimeUnit").GetString());
        var events = document.RootElement.GetProperty("traceEvents").EnumerateArray().ToList();
        Assert.All(events, e =>
        {
            Assert.True(e.GetProperty("name").GetString()!.Length > 0);
            Assert.Contains(e.GetProperty("ph").GetString(), new[] { "X", "M" });
            Assert.Equal(JsonValueKind.Number, e.GetProperty("pid").ValueKind);
        });
        var slices = events.Where(e => e.GetProperty("ph").GetString() == "X").ToList();
        Assert.All(slices, e => Assert.True(e.GetProperty("ts").GetDouble() > 1e15 && e.GetProperty("dur").GetDouble() >= 1 && e.TryGetProperty("tid", out _) && e.TryGetProperty("cat", out _)));
        var threads = events.Where(e => e.GetProperty("name").GetString() == "thread_name")
            .ToDictionary(e => (e.GetProperty("pid").GetInt32(), e.GetProperty("tid").GetInt32()), e => e.GetProperty("args").GetProperty("name").GetString());
        Assert.Equal(["agent/0", "agent/1", "other", "t1"], threads.Values.Order(StringComparer.Ordinal));
        Assert.Equal(["Sessions and trajectories", "Workers"], events.Where(e => e.GetProperty("name").GetString() == "process_name").Select(e => e.GetProperty("args").GetProperty("name").GetString()));

        // Model calls on the session's track, stages nested inside, in µs.
        int Tid(string name) => threads.Single(t => t.Value == name).Key.Item2;
        var session = slices.Where(e => e.GetProperty("tid").GetInt32() == Tid("t1")).ToList();
        var r1 = session.Single(e => e.GetProperty("name").GetString() == "LLM request: agent" && e.GetProperty("args").GetProperty("request_id").GetString() == "r1");
        Assert.Equal((1_795_550_000_000_000.0, 40_000.0), (r1.GetProperty("ts").GetDouble(), r1.GetProperty("dur").GetDouble()));
        Assert.Equal(("agent/0", "tool_calls", 1), (r1.GetProperty("args").GetProperty("worker.decode_worker_id").GetString(),
            r1.GetProperty("args").GetProperty("finish.finish_reason").GetString(), r1.GetProperty("args").GetProperty("finish.tool_call_count").GetInt32()));
        var stages = session.Where(e => e.GetProperty("cat").GetString() == "dynamo.llm.stage" && e.GetProperty("args").GetProperty("request_id").GetString() == "r1").ToList();
        Assert.Equal(["prefill wait", "prefill", "decode"], stages.Select(s => s.GetProperty("name").GetString()));
        Assert.Equal([2_000.0, 8_000.0, 30_000.0], stages.Select(s => s.GetProperty("dur").GetDouble()));
        Assert.All(stages, s => Assert.InRange(s.GetProperty("ts").GetDouble() + s.GetProperty("dur").GetDouble(), r1.GetProperty("ts").GetDouble(), r1.GetProperty("ts").GetDouble() + 40_000));

        // The reported tool call at its own times; the unreported one inferred from r2's end to r3's start.
        var tools = session.Where(e => e.GetProperty("cat").GetString() == "dynamo.agent.tool").ToList();
        Assert.Equal(2, tools.Count);
        var reported = tools.Single(t => t.GetProperty("args").GetProperty("tool_call_id").GetString() == "call_1");
        Assert.Equal(("Tool: shell", 1_795_550_000_050_000.0, 250_000.0), (reported.GetProperty("name").GetString(), reported.GetProperty("ts").GetDouble(), reported.GetProperty("dur").GetDouble()));
        var inferred = tools.Single(t => t.GetProperty("args").GetProperty("tool_call_id").GetString() == "call_2");
        Assert.True(inferred.GetProperty("args").GetProperty("inferred").GetBoolean());
        Assert.Equal(("r3", 1_795_550_000_430_000.0, 170_000.0), (inferred.GetProperty("args").GetProperty("next_request_id").GetString(),
            inferred.GetProperty("ts").GetDouble(), inferred.GetProperty("dur").GetDouble()));
        Assert.Single(threads.Values, v => v!.StartsWith("t1", StringComparison.Ordinal)); // nothing overlapped: one lane

        // Each worker's track has the requests it served.
        Assert.Equal(2, slices.Count(e => e.GetProperty("tid").GetInt32() == Tid("agent/1")));
    }

    [Fact]
    public async Task A_missing_file_or_output_is_a_usage_error()
    {
        await Assert.ThrowsAsync<DynamoConfigurationException>(() => TraceCommand.RunAsync(["perfetto", Path.Combine(_dir, "none.jsonl"), "-o", Path.Combine(_dir, "o.json")], TextWriter.Null));
        await Assert.ThrowsAsync<DynamoConfigurationException>(() => TraceCommand.RunAsync(["perfetto", Path.Combine(_dir, "none.jsonl")], TextWriter.Null));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
