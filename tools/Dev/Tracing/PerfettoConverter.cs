using System.Text.Json;
using System.Text.Json.Nodes;
using static Dynamo.Dev.Tracing.TraceRecords;

namespace Dynamo.Dev.Tracing;

/// <summary>
/// Request trace records as Chrome trace-event JSON (<c>{"displayTimeUnit", "traceEvents"}</c>) for
/// ui.perfetto.dev: process 1 has a track per session or trajectory (more lanes where its slices
/// overlap), process 2 a track per worker. Model calls are complete (<c>X</c>) slices with their
/// prefill-wait, prefill and decode stages nested inside; harness tool calls are slices on the
/// session's track; a tool call the model made that no harness reported is inferred from the
/// request's finish metadata, from that request's end to the session's next request. Times are µs.
/// </summary>
internal static class PerfettoConverter
{
    private const int Sessions = 1, Workers = 2;

    private sealed record Slice(string Lane, string Name, string Category, double StartMs, double DurationMs, JsonObject Args, List<Slice> Children)
    {
        public double EndMs => StartMs + DurationMs;
    }

    public static JsonObject Convert(IReadOnlyList<JsonElement> records)
    {
        var requests = new List<(Slice Slice, string? Worker, JsonElement Request)>();
        var tools = new List<Slice>();
        var reportedCalls = new HashSet<(string, string)>();
        var starts = new Dictionary<(string, string), double>();
        foreach (var record in records)
        {
            var type = Text(record, "event_type");
            var lane = Lane(record);
            if (type == "request_end" && record.TryGetProperty("request", out var request))
                requests.Add((RequestSlice(record, request, lane), Worker(request), request));
            else if (type == "tool_start" && Tool(record) is { } started)
                starts[(lane, started.Id)] = Number(record, "event_time_unix_ms") ?? 0;
            else if (type is "tool_end" or "tool_error" && Tool(record) is { } tool)
                reportedCalls.Add((lane, tool.Id));
        }
        foreach (var record in records)
            if (Text(record, "event_type") is "tool_end" or "tool_error" && ToolSlice(record, starts) is { } slice)
                tools.Add(slice);
        tools.AddRange(InferredTools(requests.Select(r => (r.Slice, r.Request)).ToList(), reportedCalls));

        var events = new JsonArray();
        Metadata(events, Sessions, "process_name", "Sessions and trajectories", sortIndex: 0);
        Metadata(events, Workers, "process_name", "Workers", sortIndex: 1);
        var tid = 0;
        foreach (var lane in requests.Select(r => r.Slice).Concat(tools).GroupBy(s => s.Lane).OrderBy(g => g.Min(s => s.StartMs)))
            foreach (var (index, slices) in Pack(lane).Select((s, i) => (i, s)))
            {
                tid++;
                Metadata(events, Sessions, "thread_name", index == 0 ? lane.Key : $"{lane.Key} [lane {index + 1}]", tid);
                foreach (var slice in slices)
                    Emit(events, Sessions, tid, slice);
            }
        foreach (var worker in requests.Where(r => r.Worker is not null).GroupBy(r => r.Worker!).OrderBy(g => g.Key, StringComparer.Ordinal))
            foreach (var (index, slices) in Pack(worker.Select(r => r.Slice with { Name = $"{r.Slice.Name} ({r.Slice.Lane})", Children = [] })).Select((s, i) => (i, s)))
            {
                tid++;
                Metadata(events, Workers, "thread_name", index == 0 ? worker.Key : $"{worker.Key} [lane {index + 1}]", tid);
                foreach (var slice in slices)
                    Emit(events, Workers, tid, slice);
            }
        return new JsonObject { ["displayTimeUnit"] = "ms", ["traceEvents"] = events };
    }

    private static Slice RequestSlice(JsonElement record, JsonElement request, string lane)
    {
        var end = Number(record, "event_time_unix_ms");
        var start = Number(request, "request_received_ms") ?? end ?? 0;
        var total = Number(request, "total_time_ms") ?? (end is { } e ? e - start : 0);
        var args = new JsonObject { ["session"] = lane };
        foreach (var field in request.EnumerateObject())
            if (field.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
                args[field.Name] = JsonNode.Parse(field.Value.GetRawText());
        if (request.TryGetProperty("worker", out var worker) && worker.ValueKind == JsonValueKind.Object)
            foreach (var field in worker.EnumerateObject())
                args[$"worker.{field.Name}"] = JsonNode.Parse(field.Value.GetRawText());
        if (request.TryGetProperty("finish_reason_metadata", out var finish) && finish.ValueKind == JsonValueKind.Object)
        {
            args["finish.finish_reason"] = Text(finish, "finish_reason");
            args["finish.backend_finish_reason"] = Text(finish, "backend_finish_reason");
            var calls = finish.TryGetProperty("tool_calls", out var c) ? c.EnumerateArray().Select(t => Text(t, "name") ?? "?").ToList() : [];
            args["finish.tool_call_count"] = calls.Count;
            if (calls.Count > 0)
                args["finish.tool_call_names"] = string.Join(", ", calls);
        }
        // Stages, in order from arrival; each clamped inside the request so the nesting holds.
        var children = new List<Slice>();
        var at = start;
        void Stage(string name, double? ms)
        {
            if (ms is not { } d || d <= 0)
                return;
            d = Math.Min(d, start + total - at);
            children.Add(new Slice(lane, name, "dynamo.llm.stage", at, d, new JsonObject { ["request_id"] = Text(request, "request_id") }, []));
            at += d;
        }
        Stage("prefill wait", Number(request, "prefill_wait_time_ms"));
        Stage("prefill", Number(request, "prefill_time_ms"));
        if (Number(request, "ttft_ms") is { } ttft)
        {
            at = start + Math.Min(ttft, total);
            Stage("decode", start + total - at);
        }
        return new Slice(lane, $"LLM request: {Text(request, "model") ?? "unknown-model"}", "dynamo.llm", start, total, args, children);
    }

    private static string? Worker(JsonElement request) =>
        request.TryGetProperty("worker", out var w) && w.ValueKind == JsonValueKind.Object ? Text(w, "decode_worker_id") ?? Text(w, "worker_id") : null;

    private static (string Id, string? Class)? Tool(JsonElement record) =>
        record.TryGetProperty("tool", out var tool) && Text(tool, "tool_call_id") is { } id ? (id, Text(tool, "tool_class")) : null;

    /// <summary>A harness-reported tool call: its own start and end, else its duration back from the end, else its tool_start.</summary>
    private static Slice? ToolSlice(JsonElement record, Dictionary<(string, string), double> starts)
    {
        if (Tool(record) is not { } call)
            return null;
        var tool = record.GetProperty("tool");
        var lane = Lane(record);
        var end = Number(tool, "ended_at_unix_ms") ?? Number(record, "event_time_unix_ms") ?? 0;
        var duration = Number(tool, "duration_ms");
        var start = Number(tool, "started_at_unix_ms") ?? (duration is { } d ? end - d : starts.TryGetValue((lane, call.Id), out var s) ? s : end - 1);
        var args = new JsonObject { ["session"] = lane, ["event_type"] = Text(record, "event_type"), ["event_source"] = Text(record, "event_source") };
        foreach (var field in tool.EnumerateObject())
            args[field.Name] = JsonNode.Parse(field.Value.GetRawText());
        var error = Text(record, "event_type") == "tool_error";
        return new Slice(lane, $"{(error ? "Tool error" : "Tool")}: {call.Class ?? "unknown"}", "dynamo.agent.tool", start, Math.Max(end - start, 0.001), args, []);
    }

    /// <summary>Tool calls the model made that no harness reported: from the request's end to the session's next request.</summary>
    private static IEnumerable<Slice> InferredTools(List<(Slice Slice, JsonElement Request)> requests, HashSet<(string, string)> reported)
    {
        foreach (var lane in requests.GroupBy(r => r.Slice.Lane))
        {
            var ordered = lane.OrderBy(r => r.Slice.StartMs).ToList();
            for (var i = 0; i < ordered.Count; i++)
            {
                var (slice, request) = ordered[i];
                if (!request.TryGetProperty("finish_reason_metadata", out var finish) || !finish.TryGetProperty("tool_calls", out var calls))
                    continue;
                var next = ordered.Skip(i + 1).FirstOrDefault(r => r.Slice.StartMs >= slice.EndMs).Slice;
                foreach (var call in calls.EnumerateArray())
                {
                    var id = Text(call, "id") ?? "";
                    if (reported.Contains((lane.Key, id)))
                        continue;
                    var args = new JsonObject
                    {
                        ["session"] = lane.Key, ["event_type"] = "inferred_tool_call", ["inferred"] = true,
                        ["source"] = "request.finish_reason_metadata.tool_calls", ["source_request_id"] = Text(request, "request_id"),
                        ["tool_call_id"] = id, ["tool_call_index"] = Number(call, "tool_call_index"), ["choice_index"] = Number(call, "choice_index"),
                    };
                    if (next is not null)
                        args["next_request_id"] = next.Args["request_id"]?.DeepClone();
                    else
                        args["synthetic_duration"] = true;
                    yield return new Slice(lane.Key, $"Tool: {Text(call, "name") ?? "unknown"}", "dynamo.agent.tool", slice.EndMs,
                        next is null ? 1 : Math.Max(next.StartMs - slice.EndMs, 0.001), args, []);
                }
            }
        }
    }

    /// <summary>Greedy interval packing: each slice goes to the first lane free at its start.</summary>
    private static List<List<Slice>> Pack(IEnumerable<Slice> slices)
    {
        var lanes = new List<List<Slice>>();
        foreach (var slice in slices.OrderBy(s => s.StartMs).ThenByDescending(s => s.DurationMs))
        {
            if (lanes.FirstOrDefault(l => l[^1].EndMs <= slice.StartMs) is { } free)
                free.Add(slice);
            else
                lanes.Add([slice]);
        }
        return lanes;
    }

    private static void Emit(JsonArray events, int pid, int tid, Slice slice)
    {
        events.Add(new JsonObject
        {
            ["name"] = slice.Name, ["cat"] = slice.Category, ["ph"] = "X", ["pid"] = pid, ["tid"] = tid,
            ["ts"] = Math.Round(slice.StartMs * 1000), ["dur"] = Math.Max(1, Math.Round(slice.DurationMs * 1000, 3)), ["args"] = slice.Args.DeepClone(),
        });
        foreach (var child in slice.Children)
            Emit(events, pid, tid, child);
    }

    private static void Metadata(JsonArray events, int pid, string name, string value, int? tid = null, int? sortIndex = null)
    {
        var e = new JsonObject { ["name"] = name, ["ph"] = "M", ["pid"] = pid };
        if (tid is { } t)
            e["tid"] = t;
        e["args"] = new JsonObject { ["name"] = value };
        events.Add(e);
        if (sortIndex is { } i)
            events.Add(new JsonObject { ["name"] = "process_sort_index", ["ph"] = "M", ["pid"] = pid, ["args"] = new JsonObject { ["sort_index"] = i } });
    }
}
