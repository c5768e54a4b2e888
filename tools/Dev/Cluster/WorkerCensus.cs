using System.Diagnostics;
using System.Text;
using Dynamo.Runtime.Configuration;

namespace Dynamo.Dev.Cluster;

/// <summary>
/// Counts, a few times a second, the <c>dynamo worker</c> processes on this machine whose <c>--worker-id</c> starts with a
/// prefix — whoever started them, starting and draining ones included: what a pool costs. Reads <c>/proc</c> (Linux).
/// </summary>
internal sealed class WorkerCensus : IAsyncDisposable
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(250);

    private readonly byte[] _needle;
    private readonly Stopwatch _clock;
    private readonly List<(double Seconds, int Workers)> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    /// <param name="clock">The samples' time base: seconds on this stopwatch.</param>
    public WorkerCensus(string workerIdPrefix, Stopwatch clock)
    {
        if (!Directory.Exists("/proc/self"))
            throw new DynamoConfigurationException("Counting worker processes reads /proc: this benchmark runs on Linux.");
        (_needle, _clock) = (Encoding.UTF8.GetBytes($"--worker-id\0{workerIdPrefix}"), clock);
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>The worker processes alive now.</summary>
    public int Count()
    {
        var count = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!char.IsAsciiDigit(dir[^1]))
                continue;
            try
            {
                if (File.ReadAllBytes(Path.Combine(dir, "cmdline")).AsSpan().IndexOf(_needle) >= 0)
                    count++;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // It exited while being read.
            }
        }
        return count;
    }

    /// <summary>Worker-seconds between two times on the clock (each sample holds until the next), and the most workers seen then.</summary>
    public (double WorkerSeconds, int Max) Between(double from, double until)
    {
        lock (_samples)
        {
            var (total, max) = (0.0, 0);
            for (var i = 0; i < _samples.Count; i++)
            {
                var start = Math.Max(from, _samples[i].Seconds);
                var end = Math.Min(until, i + 1 < _samples.Count ? _samples[i + 1].Seconds : until);
                if (end <= start)
                    continue;
                total += (end - start) * _samples[i].Workers;
                max = Math.Max(max, _samples[i].Workers);
            }
            return (total, max);
        }
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(Period);
        try
        {
            do
            {
                var (at, workers) = (_clock.Elapsed.TotalSeconds, Count());
                lock (_samples)
                    _samples.Add((at, workers));
            }
            while (await timer.WaitForNextTickAsync(_stop.Token));
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
