using System.Text.Json;
using System.Text.Json.Nodes;
using Dynamo.Abstractions.Parsing;
using Dynamo.Abstractions.Requests;
using Dynamo.Parsers.Reasoning;
using Dynamo.Parsers.ToolCalls.Streaming;
using Xunit.Abstractions;

namespace Dynamo.Parsers.Tests;

/// <summary>
/// The reference parser suites' test vectors (<c>Reference/*.json</c>): every family passes at least
/// 95% of its cases, and the cases it does not pass are exactly those listed, with the reason, in
/// <c>Reference/known_differences*.json</c> (mostly where the references disagree with each other).
/// Each case is parsed one-shot and streamed at every chunking; the two must always agree.
/// </summary>
public sealed class ReferenceSuiteTests(ITestOutputHelper output)
{
    private const double Required = 0.95;

    [Fact]
    public void ToolCallFamiliesPassTheReferenceSuites() => Check("tool calls", ReferenceCase.Load("tool_calls."), ToolCallVerdict);

    [Fact]
    public void ReasoningFamiliesPassTheReferenceSuites() => Check("reasoning", ReferenceCase.Load("reasoning"), ReasoningVerdict);

    private void Check(string kind, IReadOnlyList<ReferenceCase> cases, Func<ReferenceCase, string?> verdict)
    {
        Assert.NotEmpty(cases);
        var known = KnownDifferences();
        var failures = cases.Select(c => (Case: c, Why: Safely(verdict, c))).Where(f => f.Why is not null).ToList();
        var low = new List<string>();
        foreach (var family in cases.GroupBy(c => c.Family).OrderBy(g => g.Key))
        {
            // Where the references disagree (with each other, or their batch path with their streaming path), no one answer passes both.
            var excused = failures.Count(f => f.Case.Family == family.Key && known.TryGetValue(f.Case.Id, out var k) && k.Kind is "disagreement" or "path");
            var failed = failures.Count(f => f.Case.Family == family.Key) - excused;
            var counted = family.Count() - excused;
            var rate = 1 - (double)failed / counted;
            output.WriteLine($"{kind} {family.Key}: {counted - failed}/{counted} ({rate:P0}); {excused} where the references disagree");
            if (rate < Required)
                low.Add($"{family.Key} {rate:P0}");
        }
        var unexpected = failures.Where(f => !known.ContainsKey(f.Case.Id)).Select(f => $"{f.Case.Id}: {f.Why}").ToList();
        var fixedNow = known.Keys.Where(id => cases.Any(c => c.Id == id) && failures.All(f => f.Case.Id != id)).ToList();
        foreach (var line in unexpected)
            output.WriteLine("NEW FAILURE " + line);
        foreach (var id in fixedNow)
            output.WriteLine("NOW PASSES " + id);
        Assert.True(low.Count == 0, "below 95%: " + string.Join(", ", low));
        Assert.True(unexpected.Count == 0, $"{unexpected.Count} failures not in known_differences*.json, first: {unexpected.FirstOrDefault()}");
        Assert.True(fixedNow.Count == 0, $"{fixedNow.Count} known differences now pass (take them out of the list), first: {fixedNow.FirstOrDefault()}");
    }

    // A parser never throws on model output: that is a failure like any other, named.
    private static string? Safely(Func<ReferenceCase, string?> verdict, ReferenceCase c)
    {
        try
        {
            return verdict(c);
        }
        catch (Exception ex)
        {
            return "threw " + ex.GetType().Name + ": " + ex.Message;
        }
    }

    /// <summary>A case the parsers do not pass: <c>disagreement</c> (the references answer it differently), <c>path</c> (the reference's batch and streaming paths differ; ours agree) or <c>gap</c>.</summary>
    private sealed record Known(string Kind, string Why);

    // Reference/known_differences*.json, one file per group of families.
    private static Dictionary<string, Known> KnownDifferences() =>
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Reference"), "known_differences*.json")
            .SelectMany(file => JsonSerializer.Deserialize<Dictionary<string, Known>>(File.ReadAllText(file), new JsonSerializerOptions(JsonSerializerDefaults.Web))!)
            .ToDictionary();

    private static readonly Dictionary<string, IToolCallParser?> ToolParsers = [];
    private static readonly Dictionary<string, IReasoningParser?> ReasoningParsers = [];

    private static T? Parser<T>(Dictionary<string, T?> cache, string family) where T : class
    {
        lock (cache)
        {
            if (!cache.TryGetValue(family, out var parser))
            {
                try
                {
                    parser = PluginComponents.Create<T>(typeof(T) == typeof(IToolCallParser) ? typeof(ToolCallAccumulator).Assembly : typeof(ReasoningAccumulator).Assembly, family);
                }
                catch (InvalidOperationException)
                {
                    parser = null;
                }
                cache[family] = parser;
            }
            return parser;
        }
    }

    /// <returns>Null when the parser gives what the reference expects, else how it differs.</returns>
    private static string? ToolCallVerdict(ReferenceCase c)
    {
        if (Parser(ToolParsers, c.Family) is not { } parser)
            return "no such parser";
        var tools = Tools(c);
        var result = parser.Parse(c.Text, tools);
        foreach (var (how, chunks) in Chunking.All(c.Text))
        {
            var stream = parser.CreateStreamParser(tools);
            var streamed = new ToolCallAccumulator();
            foreach (var chunk in chunks)
                streamed.Add(stream.Push(chunk));
            streamed.Add(stream.Finish());
            var s = streamed.Result();
            if (s.Content != result.Content || !s.ToolCalls.Select(t => (t.Name, t.ArgumentsJson)).SequenceEqual(result.ToolCalls.Select(t => (t.Name, t.ArgumentsJson))))
                return $"streamed ({how}) differs from one-shot";
        }
        var expected = c.Json.GetProperty("calls").EnumerateArray().ToList();
        var got = string.Join("; ", result.ToolCalls.Select(t => $"{t.Name} {t.ArgumentsJson}"));
        if (expected.Count != result.ToolCalls.Count)
            return $"expected {expected.Count} calls, got {result.ToolCalls.Count}: {got}";
        for (var i = 0; i < expected.Count; i++)
        {
            var call = result.ToolCalls[i];
            if (expected[i].GetProperty("name").GetString() != call.Name)
                return $"call {i} is {call.Name}";
            if (!SameArguments(expected[i], call.ArgumentsJson))
                return $"call {i} arguments {call.ArgumentsJson}";
        }
        if (c.Has("content") && ReferenceCase.Normal(c.String("content")) != ReferenceCase.Normal(result.Content))
            return $"content {JsonSerializer.Serialize(result.Content)}";
        return null;
    }

    private static bool SameArguments(JsonElement expected, string arguments)
    {
        if (expected.TryGetProperty("arguments_raw", out var raw) && raw.ValueKind == JsonValueKind.String)
            return raw.GetString() == arguments;
        try
        {
            return JsonNode.DeepEquals(JsonNode.Parse(expected.GetProperty("arguments").GetRawText()), JsonNode.Parse(arguments));
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static List<ToolDefinition> Tools(ReferenceCase c) =>
        c.Json.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array
            ? tools.EnumerateArray().Select(t => t.TryGetProperty("function", out var f) ? f : t)
                .Select(f => new ToolDefinition(f.GetProperty("name").GetString()!, null, f.TryGetProperty("parameters", out var p) ? p : null)).ToList()
            : [];

    private static string? ReasoningVerdict(ReferenceCase c)
    {
        if (Parser(ReasoningParsers, c.Family) is not { } parser)
            return "no such parser";
        var request = c.Bool("thinking") is { } thinking ? ReasoningRequest.WithThinking(thinking) : ReasoningRequest.Default;
        var result = parser.Parse(c.Text, request);
        foreach (var (how, chunks) in Chunking.All(c.Text))
        {
            var stream = parser.CreateStreamParser(request);
            var streamed = new ReasoningAccumulator();
            foreach (var chunk in chunks)
                streamed.Add(stream.Push(chunk));
            streamed.Add(stream.Finish());
            if (streamed.Result() != result)
                return $"streamed ({how}) differs from one-shot";
        }
        if (ReferenceCase.Normal(c.String("reasoning")) != ReferenceCase.Normal(result.Reasoning))
            return $"reasoning {JsonSerializer.Serialize(result.Reasoning)}";
        if (ReferenceCase.Normal(c.String("content")) != ReferenceCase.Normal(result.Content))
            return $"content {JsonSerializer.Serialize(result.Content)}";
        return null;
    }
}
