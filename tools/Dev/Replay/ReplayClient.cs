using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Dynamo.Dev.Commands;

namespace Dynamo.Dev.Replay;

/// <summary>
/// Sends a trace's requests at their arrival times (divided by the speedup) as streamed
/// <c>/v1/completions</c> with token-id prompts, and measures what each client saw.
/// </summary>
internal sealed class ReplayClient(HttpClient http, string model, int blockTokens, int vocabulary, int? outputTokens)
{
    /// <param name="Itl">The request's mean time between tokens after the first (null with one token).</param>
    private sealed record Outcome(double Ttft, double? Itl, long Prompt, long Completion, long Cached);

    public async Task<ReplayResult> RunAsync(string router, IReadOnlyList<ReplayRequest> trace, double speedup)
    {
        var outcomes = new Outcome?[trace.Count];
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(trace.Select(async (request, i) =>
        {
            var due = TimeSpan.FromMilliseconds(request.ArrivalMs / speedup) - clock.Elapsed;
            if (due > TimeSpan.Zero)
                await Task.Delay(due);
            try
            {
                outcomes[i] = await SendAsync(SyntheticPrompt.Tokens(request, blockTokens, vocabulary), outputTokens ?? request.OutputLength);
            }
            catch (Exception e) when (e is HttpRequestException or JsonException or InvalidOperationException or TaskCanceledException)
            {
                outcomes[i] = null;
            }
        }));
        var seconds = clock.Elapsed.TotalSeconds;
        var done = outcomes.OfType<Outcome>().ToList();
        var (ttft, itl) = (done.Select(o => o.Ttft).ToList(), done.Select(o => o.Itl).OfType<double>().ToList());
        long prompt = done.Sum(o => o.Prompt), cached = done.Sum(o => o.Cached);
        return new ReplayResult(router, trace.Count, trace.Count - done.Count,
            BenchClient.Percentile(ttft, 0.5), BenchClient.Percentile(ttft, 0.9), BenchClient.Percentile(ttft, 0.99),
            BenchClient.Percentile(itl, 0.5), BenchClient.Percentile(itl, 0.9), BenchClient.Percentile(itl, 0.99),
            done.Sum(o => o.Completion) / seconds, prompt == 0 ? 0 : (double)cached / prompt, seconds);
    }

    private async Task<Outcome> SendAsync(int[] prompt, int maxTokens)
    {
        var start = Stopwatch.GetTimestamp();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions")
        {
            Content = JsonContent.Create(new { model, prompt, max_tokens = Math.Max(1, maxTokens), ignore_eos = true, stream = true, stream_options = new { include_usage = true } }),
        };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        double? ttft = null;
        var last = 0.0;
        (long Prompt, long Completion, long Cached) usage = default;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal) || line == "data: [DONE]")
                continue;
            using var chunk = JsonDocument.Parse(line[6..]);
            var root = chunk.RootElement;
            usage = BenchClient.Usage(root) ?? usage;
            if (root.GetProperty("choices") is not { ValueKind: JsonValueKind.Array } choices || choices.GetArrayLength() == 0
                || choices[0].GetProperty("text").GetString() is not { Length: > 0 })
                continue;
            last = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            ttft ??= last;
        }
        // Per request, as Dynamo's avg_itl_ms: chunks that arrive together would make per-chunk gaps near zero.
        return new Outcome(ttft ?? throw new InvalidOperationException("no text streamed"), usage.Completion > 1 ? (last - ttft.Value) / (usage.Completion - 1) : null,
            usage.Prompt, usage.Completion, usage.Cached);
    }
}
