using System.Diagnostics;

namespace Dynamo.Dev.Commands;

/// <summary>
/// The token timestamps of one decode batch, shared by its readers. The window opens at the last sequence's first
/// token (every prompt prefilled) and closes when each sequence has <c>decodeTokens</c> more and it has lasted
/// <c>minimum</c>, or when any one ends (the batch is smaller from there); closing cancels the rest. Only tokens that were the newest when read time
/// the gaps: a reader that fell behind (on a busy core the engine's threads run first) reads a backlog at once.
/// </summary>
internal sealed class ProfileDecodeWindow(int batch, int decodeTokens, TimeSpan minimum, CancellationTokenSource stop)
{
    private readonly Lock _lock = new();
    private readonly List<long>[] _stamps = [.. Enumerable.Range(0, batch).Select(_ => new List<long>())];
    private readonly List<int>[] _newest = [.. Enumerable.Range(0, batch).Select(_ => new List<int>())];
    private readonly int[] _after = new int[batch];
    private int _started;
    private int _done;
    private long? _opened;

    /// <summary>Sequence <paramref name="sequence"/> received <paramref name="count"/> tokens now.</summary>
    public void Tokens(int sequence, int count)
    {
        var now = Stopwatch.GetTimestamp();
        var whole = false;
        lock (_lock)
        {
            var stamps = _stamps[sequence];
            for (var i = 0; i < count; i++)
            {
                if (stamps.Count == 0 && ++_started == batch)
                    Open(now);
                stamps.Add(now);
                // The first token inside the window marks its start there: decodeTokens more make it whole.
                if (_opened is not null && ++_after[sequence] == decodeTokens + 1)
                    _done++;
            }
            whole = _done == batch && _opened is { } opened && Stopwatch.GetElapsedTime(opened, now) >= minimum;
        }
        // Outside the lock: cancelling runs the engine's callbacks, which may hand another reader its next token here.
        if (whole && !stop.IsCancellationRequested)
            stop.Cancel();
    }

    /// <summary>The last token sequence <paramref name="sequence"/> received was the newest the engine had written.</summary>
    public void Newest(int sequence)
    {
        lock (_lock)
            if (_stamps[sequence].Count > 0)
                _newest[sequence].Add(_stamps[sequence].Count - 1);
    }

    /// <summary>A sequence's stream ended, its tokens spent or cancelled.</summary>
    public void Finished()
    {
        if (!stop.IsCancellationRequested)
            stop.Cancel();
    }

    private void Open(long now)
    {
        _opened = now;
        for (var s = 0; s < batch; s++)
            _after[s] = _stamps[s].Count(t => t >= now);
        _done = _after.Count(a => a >= decodeTokens + 1);
    }

    /// <summary>
    /// The median over the sequences of (time between the first and last newest tokens inside the window) / (tokens
    /// between them); no ITL when the window was shorter than the minimum or a sequence has too few tokens between its
    /// newest ones there.
    /// </summary>
    public ProfileDecodeRun Result()
    {
        lock (_lock)
        {
            if (_opened is not { } opened)
                return new ProfileDecodeRun(null, 0);
            var ahead = _stamps.Max(s => s.Count(t => t < opened));
            // Until the first sequence stopped: after that the batch is smaller.
            var closed = _stamps.Min(s => s[^1]);
            if (Stopwatch.GetElapsedTime(opened, closed) < minimum)
                return new ProfileDecodeRun(null, ahead);
            var itls = new List<double>();
            for (var s = 0; s < batch; s++)
            {
                var stamps = _stamps[s];
                var inside = _newest[s].Where(i => stamps[i] >= opened && stamps[i] <= closed).ToList();
                if (inside.Count < 2 || inside[^1] - inside[0] < Math.Max(2, decodeTokens / 2))
                    return new ProfileDecodeRun(null, ahead);
                itls.Add(Stopwatch.GetElapsedTime(stamps[inside[0]], stamps[inside[^1]]).TotalMilliseconds / (inside[^1] - inside[0]));
            }
            return new ProfileDecodeRun(itls.Order().ElementAt(itls.Count / 2), ahead);
        }
    }
}
