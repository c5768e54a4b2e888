using Dynamo.Abstractions.Planner;
using Microsoft.Extensions.Logging;

namespace Dynamo.Planner.Connectors.Local;

/// <summary>
/// Runs each pool's workers as <c>dynamo worker</c> processes on this machine. A pool's replicas are its live processes
/// (one that exited by itself is no longer counted, so the planner replaces it). Scaling down takes the newest workers
/// (the least warm cache), sends each SIGTERM — the worker leaves the registry so no new work comes, and tells its open
/// streams to migrate — and waits up to the drain timeout for it to exit before killing it. Disposing stops them all alike.
/// Workers outlive a planner that is killed outright (SIGKILL): nothing is there to stop them.
/// </summary>
internal sealed class LocalConnector(WorkerCommandLine command, TimeSpan drainTimeout, TimeProvider clock, ILogger logger) : IPlannerConnector
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<WorkerProcess>> _running = new(StringComparer.Ordinal);
    private readonly HashSet<Task> _stopping = [];
    private bool _disposed;

    public ValueTask<int> GetReplicasAsync(string pool, CancellationToken cancellationToken)
    {
        command.Role(pool);
        lock (_lock)
            return ValueTask.FromResult(Live(pool).Count);
    }

    /// <summary>Starts the missing workers, or drains the surplus; returns once those drained have exited (or were killed).</summary>
    public async ValueTask SetReplicasAsync(string pool, int replicas, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(replicas);
        command.Role(pool);
        Task[] stops;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var live = Live(pool);
            while (live.Count < replicas)
                live.Add(Start(pool));
            var leaving = live.Skip(replicas).Reverse().ToList();
            live.RemoveRange(replicas, leaving.Count);
            stops = [.. leaving.Select(w => Stop(pool, w))];
        }
        await Task.WhenAll(stops).WaitAsync(cancellationToken);
    }

    /// <summary>The pool's workers still running, oldest first; those that exited by themselves are dropped here.</summary>
    private List<WorkerProcess> Live(string pool)
    {
        if (!_running.TryGetValue(pool, out var workers))
            _running[pool] = workers = [];
        foreach (var gone in workers.Where(w => w.HasExited).ToList())
        {
            logger.LogWarning("Pool {Pool}: worker {WorkerId} (pid {Pid}) exited by itself with code {ExitCode}", pool, gone.WorkerId, gone.Pid, gone.ExitCode);
            workers.Remove(gone);
            gone.Dispose();
        }
        return workers;
    }

    private WorkerProcess Start(string pool)
    {
        var id = command.NextWorkerId(pool);
        var worker = WorkerProcess.Start(command.StartInfo(pool, id), id);
        logger.LogInformation("Pool {Pool}: started worker {WorkerId} (pid {Pid}, role {Role})", pool, id, worker.Pid, command.Role(pool));
        return worker;
    }

    /// <summary>Drains one worker in the background; the task is kept until it ends so disposing waits for it too.</summary>
    private Task Stop(string pool, WorkerProcess worker)
    {
        logger.LogInformation("Pool {Pool}: draining worker {WorkerId} (pid {Pid}): SIGTERM, up to {Seconds} s to exit", pool, worker.WorkerId, worker.Pid, drainTimeout.TotalSeconds);
        var stop = StopAsync(pool, worker);
        _stopping.Add(stop);
        _ = stop.ContinueWith(t => { lock (_lock) _stopping.Remove(t); }, TaskScheduler.Default);
        return stop;
    }

    private async Task StopAsync(string pool, WorkerProcess worker)
    {
        await Task.Yield(); // the lock's holder goes on; the drain runs apart
        using (worker)
        {
            if (await worker.StopAsync(drainTimeout, clock))
                logger.LogInformation("Pool {Pool}: worker {WorkerId} drained and exited with code {ExitCode}", pool, worker.WorkerId, worker.ExitCode);
            else
                logger.LogWarning("Pool {Pool}: worker {WorkerId} did not exit within {Seconds} s of SIGTERM: killed", pool, worker.WorkerId, drainTimeout.TotalSeconds);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task[] stopping;
        lock (_lock)
        {
            if (!_disposed)
            {
                _disposed = true;
                foreach (var (pool, workers) in _running)
                {
                    foreach (var worker in workers)
                        Stop(pool, worker);
                    workers.Clear();
                }
            }
            stopping = [.. _stopping];
        }
        await Task.WhenAll(stopping);
    }
}
