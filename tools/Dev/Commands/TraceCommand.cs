using System.Text.Json;
using Dynamo.Dev.Tracing;
using static Dynamo.Dev.Tracing.TraceRecords;
using Dynamo.Runtime.Configuration;

namespace Dynamo.Dev.Commands;

/// <summary>
/// <c>dynamo-dev trace summarize FILE...</c>: per-trajectory totals from request trace files (.jsonl or
/// .jsonl.gz): requests, tokens, cache hit rate, time in the model and time in tools.
/// <c>trace perfetto FILE... -o out.json</c>: the same records as a Perfetto timeline.
/// </summary>
internal static class TraceCommand
{
    private sealed class Totals
    {
        public int Requests, Errors, ToolCalls, ToolErrors;
        public long Input, Output, Cached;
        public double ModelMs, ToolMs;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        switch (args.FirstOrDefault())
        {
            case "summarize" when args.Length > 1:
                Summarize(TraceRecords.Read(args[1..]), output);
                return 0;
            case "perfetto" when args.Length > 1:
                var outIndex = Array.FindIndex(args, a => a is "-o" or "--output");
                if (outIndex < 0 || outIndex + 1 >= args.Length)
                    throw new DynamoConfigurationException("Usage: dynamo trace perfetto FILE|DIR [...] -o out.json");
                var inputs = args[1..].Where((_, i) => i + 1 != outIndex && i + 1 != outIndex + 1).ToArray();
                var records = TraceRecords.Read(inputs);
                var trace = PerfettoConverter.Convert(records);
                await File.WriteAllTextAsync(args[outIndex + 1], trace.ToJsonString());
                output.WriteLine($"wrote {trace["traceEvents"]!.AsArray().Count} trace events from {records.Count} records in {inputs.Length} input(s) to {args[outIndex + 1]}");
                return 0;
            default:
                throw new DynamoConfigurationException("Usage: dynamo trace summarize FILE|DIR [...] | trace perfetto FILE|DIR [...] -o out.json (request trace .jsonl or .jsonl.gz files).");
        }
    }

    private static void Summarize(List<JsonElement> records, TextWriter output)
    {
        var trajectories = new SortedDictionary<string, Totals>(StringComparer.Ordinal);
        foreach (var record in records)
            Add(trajectories, record);
        output.WriteLine($"{"trajectory",-24} {"requests",8} {"errors",6} {"input tok",10} {"output tok",10} {"cache hit",9} {"model s",9} {"tool calls",10} {"tool errors",11} {"tool s",9}");
        foreach (var (trajectory, t) in trajectories)
            output.WriteLine($"{trajectory,-24} {t.Requests,8} {t.Errors,6} {t.Input,10} {t.Output,10} {(t.Input == 0 ? 0 : (double)t.Cached / t.Input),9:P1} {t.ModelMs / 1000,9:F2} {t.ToolCalls,10} {t.ToolErrors,11} {t.ToolMs / 1000,9:F2}");
    }

    private static void Add(SortedDictionary<string, Totals> trajectories, JsonElement e)
    {
        var context = e.TryGetProperty("agent_context", out var c) && c.ValueKind == JsonValueKind.Object ? c : default;
        var key = Text(context, "trajectory_id") ?? (Text(context, "session_id") is { } session ? $"session {session}" : "(no agent context)");
        if (!trajectories.TryGetValue(key, out var t))
            trajectories[key] = t = new Totals();
        switch (Text(e, "event_type"))
        {
            case "request_end" when e.TryGetProperty("request", out var r):
                t.Requests++;
                t.Errors += Text(r, "status") is null or "success" ? 0 : 1;
                // Compact rows (no agent context) carry only what replay needs.
                t.Input += (long)(Number(r, "input_tokens") ?? Number(r.TryGetProperty("replay", out var replay) ? replay : default, "input_length") ?? 0);
                t.Output += (long)(Number(r, "output_tokens") ?? 0);
                t.Cached += (long)(Number(r, "cached_tokens") ?? 0);
                t.ModelMs += Number(r, "total_time_ms") ?? 0;
                break;
            case "tool_end" or "tool_error" when e.TryGetProperty("tool", out var tool):
                t.ToolCalls++;
                t.ToolErrors += Text(e, "event_type") == "tool_error" ? 1 : 0;
                t.ToolMs += Number(tool, "duration_ms") ?? 0;
                break;
        }
    }

}
