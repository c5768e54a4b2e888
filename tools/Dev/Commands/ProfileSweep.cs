using System.Diagnostics;
using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.Requests;

namespace Dynamo.Dev.Commands;

/// <summary>
/// The profiler's measurements on one engine through its contract: time to first token of a prompt alone, and the
/// inter-token latency of a batch decoding together. Every prompt is fresh random tokens, so the prefix cache
/// never turns prefill into a copy.
/// </summary>
/// <param name="vocabulary">The model's vocabulary size: prompt tokens are drawn below it.</param>
internal sealed class ProfileSweep(IEngine engine, int vocabulary)
{
    /// <summary>
    /// The shortest decode window timed: a reader on a busy core wakes a few milliseconds late, so a fast engine's
    /// tokens must span many wake-ups.
    /// </summary>
    public static readonly TimeSpan MinimumWindow = TimeSpan.FromMilliseconds(25);

    private int _prompts;

    /// <summary>Time to first token of one request of <paramref name="inputTokens"/> on an idle engine, in milliseconds.</summary>
    public async Task<double> PrefillMsAsync(int inputTokens)
    {
        await IdleAsync();
        var clock = Stopwatch.StartNew();
        double? first = null;
        // Read to the end, so the request has left the engine before the next measurement.
        await foreach (var output in engine.GenerateAsync(Request(inputTokens, 1), CancellationToken.None))
            if (output.TokenIds.Count > 0)
                first ??= clock.Elapsed.TotalMilliseconds;
        return first ?? throw new InvalidOperationException($"The engine finished a {inputTokens}-token prompt without a token.");
    }

    /// <summary>
    /// Inter-token latency while <paramref name="batch"/> sequences of <paramref name="contextTokens"/> decode together, in
    /// milliseconds: the median over the sequences of the time between their tokens in the window from the last
    /// one's first token (every prompt prefilled, none finished) until each has <paramref name="decodeTokens"/> more and
    /// <see cref="MinimumWindow"/> passed, timed only by tokens that were the newest when read.
    /// Each request may write <paramref name="maxTokens"/>; an engine that prefills in chunks lets the first ones
    /// start decoding early, so when the window is too short the result says how many tokens they got ahead.
    /// </summary>
    public async Task<ProfileDecodeRun> DecodeAsync(int batch, int contextTokens, int decodeTokens, int maxTokens)
    {
        await IdleAsync();
        using var stop = new CancellationTokenSource();
        var window = new ProfileDecodeWindow(batch, decodeTokens, MinimumWindow, stop);
        await Task.WhenAll(Enumerable.Range(0, batch).Select(async s =>
        {
            var request = Request(contextTokens, maxTokens);
            try
            {
                await using var outputs = engine.GenerateAsync(request, stop.Token).GetAsyncEnumerator(stop.Token);
                while (true)
                {
                    var next = outputs.MoveNextAsync();
                    // Nothing more buffered: the token just read was the newest, so its timestamp is when it came
                    // out. Tokens read from a backlog (the engine ran ahead of this reader) all carry a late one.
                    if (!next.IsCompleted)
                        window.Newest(s);
                    if (!await next)
                        break;
                    window.Tokens(s, outputs.Current.TokenIds.Count);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            window.Finished();
        }));
        return window.Result();
    }

    private EngineRequest Request(int promptTokens, int maxTokens)
    {
        var id = Interlocked.Increment(ref _prompts);
        var random = new Random(id);
        var prompt = Enumerable.Range(0, promptTokens).Select(_ => random.Next(3, Math.Clamp(vocabulary, 4, 259))).ToArray();
        return new EngineRequest($"profile-{id}", prompt, SamplingParams.Greedy, new StopConditions(maxTokens, [], IgnoreEos: true), RequestMetadata.Empty);
    }

    /// <summary>Waits until the engine holds no request: a cancelled one leaves at the engine's next step, not at once.</summary>
    private async Task IdleAsync()
    {
        var clock = Stopwatch.StartNew();
        while (engine.Load is { ActiveRequests: > 0 } or { WaitingRequests: > 0 } && clock.Elapsed < TimeSpan.FromSeconds(30))
            await Task.Delay(1);
    }
}
