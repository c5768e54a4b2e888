using System.Text.Json;
using Dynamo.Dev.Commands;
using Dynamo.Runtime.Configuration;

namespace Dynamo.Dev.Replay;

/// <summary>
/// <c>replay generate</c>: a Mooncake-format trace of multi-turn agent sessions. Sessions fall in
/// groups that share a system prompt; each turn's prompt is the previous turn's, its answer and a
/// new user or tool message, so it recurs as a prefix, as conversation traces do. Hash ids count up
/// from 0 as new blocks appear; every block is a whole 512 tokens.
/// </summary>
internal static class MooncakeGenerator
{
    public static int Run(string[] args, TextWriter output)
    {
        var path = Arguments.Option(args, "--out", "");
        if (path.Length == 0)
            throw new DynamoConfigurationException("replay generate needs --out FILE.");
        var (sessions, turns, groups) = (Arguments.Int(args, "--sessions", 32), Arguments.Int(args, "--turns", 6), Arguments.Int(args, "--groups", 4));
        var (systemBlocks, userBlocks, outputLength) = (Arguments.Int(args, "--system-blocks", 8), Arguments.Int(args, "--user-blocks", 2), Arguments.Int(args, "--output-length", 256));
        var (thinkMs, gapMs) = (Arguments.Double(args, "--think-ms", 4000), Arguments.Double(args, "--session-gap-ms", 500));
        if (sessions < 1 || turns < 1 || groups < 1 || systemBlocks < 0 || userBlocks < 1 || outputLength < 1)
            throw new DynamoConfigurationException("--sessions, --turns, --groups, --user-blocks and --output-length must be positive.");
        var random = new Random(Arguments.Int(args, "--seed", 1));
        ulong next = 0;
        var prefixes = Enumerable.Range(0, groups).Select(_ => Enumerable.Range(0, systemBlocks).Select(_ => next++).ToList()).ToList();
        var rows = new List<(double Time, List<ulong> Hashes)>();
        for (var s = 0; s < sessions; s++)
        {
            var hashes = new List<ulong>(prefixes[s % groups]);
            var time = s * gapMs * (0.5 + random.NextDouble());
            for (var t = 0; t < turns; t++)
            {
                if (t > 0)
                {
                    // The previous answer joins the prompt, then the next message.
                    for (var b = 0; b < (outputLength + TraceFiles.MooncakeBlockTokens - 1) / TraceFiles.MooncakeBlockTokens; b++)
                        hashes.Add(next++);
                    time += thinkMs * (0.5 + random.NextDouble());
                }
                for (var b = 0; b < userBlocks; b++)
                    hashes.Add(next++);
                rows.Add((time, [.. hashes]));
            }
        }
        using var file = new StreamWriter(path);
        foreach (var (time, hashes) in rows.OrderBy(r => r.Time))
            file.WriteLine(JsonSerializer.Serialize(new { timestamp = (long)time, input_length = hashes.Count * TraceFiles.MooncakeBlockTokens, output_length = outputLength, hash_ids = hashes }));
        output.WriteLine($"wrote {rows.Count} requests ({sessions} sessions × {turns} turns, {next} distinct blocks) to {path}");
        return 0;
    }
}
