using System.IO.Compression;
using System.Text.Json;
using Dynamo.Runtime.Configuration;

namespace Dynamo.Dev.Commands;

/// <summary>
/// <c>dynamo-dev trace summarize FILE...</c>: per-trajectory totals from agent trace files (.jsonl or
/// .jsonl.gz): requests, tokens, cache hit rate, time in the model and time in tools.
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
        if (args.FirstOrDefault() != "summarize" || args.Length < 2)
            throw new DynamoConfigurationException("Usage: dynamo trace summarize FILE [FILE ...] (agent trace .jsonl or .jsonl.gz files).");
        var trajectories = new SortedDictionary<string, Totals>(StringComparer.Ordinal);
        var lines = 0;
        foreach (var file in args[1..])
        {
            if (!File.Exists(file))
                throw new DynamoConfigurationException($"Trace file '{file}' does not exist.");
            await using var stream = File.OpenRead(file);
            using var reader = new StreamReader(file.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(stream, CompressionMode.Decompress) : stream);
            while (await reader.ReadLineAsync() is { } line)
            {
                lines++;
                if (line.Length > 0)
                    Add(trajectories, line, $"{file}:{lines}");
            }
        }
        output.WriteLine($"{"trajectory",-24} {"requests",8} {"errors",6} {"input tok",10} {"output tok",10} {"cache hit",9} {"model s",9} {"tool calls",10} {"tool errors",11} {"tool s",9}");
        foreach (var (trajectory, t) in trajectories)
            output.WriteLine($"{trajectory,-24} {t.Requests,8} {t.Errors,6} {t.Input,10} {t.Output,10} {(t.Input == 0 ? 0 : (double)t.Cached / t.Input),9:P1} {t.ModelMs / 1000,9:F2} {t.ToolCalls,10} {t.ToolErrors,11} {t.ToolMs / 1000,9:F2}");
        return 0;
    }

    private static void Add(SortedDictionary<string, Totals> trajectories, string line, string where)
    {
        JsonElement e;
        try
        {
            using var document = JsonDocument.Parse(line);
            e = document.RootElement.GetProperty("event").Clone();
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new DynamoConfigurationException($"{where}: not an agent trace line ({ex.Message}).");
        }
        var context = e.TryGetProperty("agent_context", out var c) && c.ValueKind == JsonValueKind.Object ? c : default;
        var key = Text(context, "trajectory_id") ?? (Text(context, "session_id") is { } session ? $"session {session}" : "(no agent context)");
        if (!trajectories.TryGetValue(key, out var t))
            trajectories[key] = t = new Totals();
        switch (Text(e, "event_type"))
        {
            case "request_end" when e.TryGetProperty("request", out var r):
                t.Requests++;
                t.Errors += Text(r, "status") == "success" ? 0 : 1;
                t.Input += r.GetProperty("input_tokens").GetInt64();
                t.Output += r.GetProperty("output_tokens").GetInt64();
                t.Cached += r.GetProperty("cached_tokens").GetInt64();
                t.ModelMs += r.GetProperty("total_time_ms").GetDouble();
                break;
            case "tool_start":
                t.ToolCalls++;
                break;
            case "tool_end" or "tool_error" when e.TryGetProperty("tool", out var tool):
                t.ToolErrors += Text(e, "event_type") == "tool_error" ? 1 : 0;
                t.ToolMs += tool.TryGetProperty("duration_ms", out var d) && d.ValueKind == JsonValueKind.Number ? d.GetDouble() : 0;
                break;
        }
    }

    private static string? Text(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
