using System.Diagnostics;

namespace Dynamo.Backends.Llama.Kernels.Cpu;

/// <summary>
/// A fixed set of worker threads, one per core given to the process (the caller is the first):
/// a kernel's parts go out by static partitioning with no thread-pool hop, workers spin briefly
/// between kernels (the next layer's product follows within microseconds) and then sleep, and a
/// process pinned to one core runs everything on the calling thread.
/// </summary>
internal sealed class CpuThreads : IDisposable
{
    // How long an idle worker spins before it sleeps: longer than the gap between two kernels of a
    // forward pass, far shorter than the gap between requests.
    private static readonly long SpinTicks = Stopwatch.Frequency / 5000;

    [ThreadStatic]
    private static bool _isWorker;

    private readonly Thread[] _workers;
    private readonly object _sleep = new();
    private readonly object _gate = new();
    private ParallelWork? _work;
    private int _parts;
    private int _generation;
    private int _pending;
    private volatile bool _disposed;

    public CpuThreads(int threads)
    {
        Count = Math.Max(1, threads);
        _workers = new Thread[Count - 1];
        for (var i = 0; i < _workers.Length; i++)
        {
            var index = i + 1;
            _workers[i] = new Thread(() => Loop(index)) { IsBackground = true, Name = $"dynamo-cpu-{index}" };
            _workers[i].Start();
        }
    }

    /// <summary>One set for the process, sized to the cores it may use (a taskset or cgroup limit counts).</summary>
    public static CpuThreads Shared { get; } = new(Environment.ProcessorCount);

    public int Count { get; }

    /// <summary>
    /// Runs parts 0..parts-1 of <paramref name="work"/>, part i on thread i mod Count, and returns
    /// when all are done. Callers take turns; a call from inside a part runs inline.
    /// </summary>
    public void Run(ParallelWork work, int parts)
    {
        if (parts <= 1 || Count == 1 || _isWorker || _disposed)
        {
            for (var p = 0; p < parts; p++)
                work.Run(p, parts);
            return;
        }
        lock (_gate)
        {
            _work = work;
            _parts = parts;
            Volatile.Write(ref _pending, Count - 1);
            Interlocked.Increment(ref _generation);
            lock (_sleep)
                Monitor.PulseAll(_sleep);
            var wasWorker = _isWorker;
            _isWorker = true;
            try
            {
                RunShare(0);
            }
            finally
            {
                _isWorker = wasWorker;
                // Even when part 0 threw, the workers finish theirs before the work is released.
                var spin = new SpinWait();
                while (Volatile.Read(ref _pending) != 0)
                    spin.SpinOnce(sleep1Threshold: -1);
                _work = null;
            }
        }
    }

    private void RunShare(int thread)
    {
        for (var p = thread; p < _parts; p += Count)
            _work!.Run(p, _parts);
    }

    private void Loop(int index)
    {
        _isWorker = true;
        var seen = 0;
        while (true)
        {
            var started = Stopwatch.GetTimestamp();
            int generation;
            while ((generation = Volatile.Read(ref _generation)) == seen)
            {
                if (_disposed)
                    return;
                if (Stopwatch.GetTimestamp() - started < SpinTicks)
                {
                    Thread.SpinWait(16);
                    continue;
                }
                lock (_sleep)
                    while (Volatile.Read(ref _generation) == seen && !_disposed)
                        Monitor.Wait(_sleep);
            }
            seen = generation;
            try
            {
                RunShare(index);
            }
            catch (Exception e)
            {
                // A kernel part has no caller to throw to; the product it belongs to is already wrong, so fail loudly.
                Environment.FailFast("A CPU kernel part threw.", e);
            }
            Interlocked.Decrement(ref _pending);
        }
    }

    public void Dispose()
    {
        _disposed = true;
        lock (_sleep)
            Monitor.PulseAll(_sleep);
    }
}
