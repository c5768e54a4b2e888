using System.Text.Json;
using Dynamo.Dev.Tracing;
using Dynamo.Runtime.Configuration;

namespace Dynamo.Dev.Replay;

/// <summary>
/// Reads a trace to replay: Mooncake's format (one object a line with <c>timestamp</c> ms,
/// <c>input_length</c>, <c>output_length</c> and <c>hash_ids</c> of 512-token blocks), or our
/// request traces (<c>request_end</c> records with <c>replay</c> hashes, either schema, wrapped or
/// bare, <c>.jsonl</c> or <c>.jsonl.gz</c>). Requests come back in arrival order.
/// </summary>
internal static class TraceFiles
{
    public const int MooncakeBlockTokens = 512;

    public static List<ReplayRequest> Read(IEnumerable<string> paths)
    {
        var requests = new List<ReplayRequest>();
        foreach (var (where, root) in TraceRecords.Lines(paths))
        {
            try
            {
                if (root.TryGetProperty("hash_ids", out var hashes))
                    requests.Add(Mooncake(root, hashes));
                else if (Dynamo(root.TryGetProperty("event", out var wrapped) ? wrapped : root) is { } request)
                    requests.Add(request);
            }
            catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException)
            {
                throw new DynamoConfigurationException($"{where}: not a Mooncake or request trace line ({ex.Message}).");
            }
        }
        if (requests.Count == 0)
            throw new DynamoConfigurationException("The trace holds no requests to replay (Mooncake lines, or request_end records with replay hashes).");
        // Request traces stamp Unix ms: replay from the first arrival.
        var origin = requests.Min(r => r.ArrivalMs);
        return [.. requests.Select(r => r with { ArrivalMs = r.ArrivalMs - origin }).OrderBy(r => r.ArrivalMs)];
    }

    private static ReplayRequest Mooncake(JsonElement root, JsonElement hashes)
    {
        var ids = hashes.EnumerateArray().Select(h => h.GetUInt64()).ToArray();
        var input = Int(root, "input_length", "input_tokens") ?? ids.Length * MooncakeBlockTokens;
        var output = Int(root, "output_length", "output_tokens") ?? throw new KeyNotFoundException("output_length");
        var time = root.TryGetProperty("timestamp", out var t) || root.TryGetProperty("created_time", out t) ? t.GetDouble() : 0;
        return new ReplayRequest(time, input, output, ids, MooncakeBlockTokens);
    }

    private static ReplayRequest? Dynamo(JsonElement record)
    {
        if (!record.TryGetProperty("event_type", out var type) || type.GetString() != "request_end" || !record.TryGetProperty("request", out var request)
            || !request.TryGetProperty("replay", out var replay))
            return null;
        var received = request.GetProperty("request_received_ms").GetInt64();
        var hashes = replay.GetProperty("input_sequence_hashes").EnumerateArray().Select(h => h.GetUInt64()).ToArray();
        var block = replay.GetProperty("trace_block_size").GetInt32();
        var input = replay.GetProperty("input_length").GetInt32();
        if (hashes.Length != (input + block - 1) / block)
            throw new FormatException($"{hashes.Length} input_sequence_hashes for {input} tokens in blocks of {block}");
        return new ReplayRequest(received, input, request.GetProperty("output_tokens").GetInt32(), hashes, block);
    }

    private static int? Int(JsonElement root, string name, string alias) =>
        root.TryGetProperty(name, out var v) || root.TryGetProperty(alias, out v) ? v.GetInt32() : null;
}
