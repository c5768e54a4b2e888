using System.Diagnostics;

namespace Dynamo.Planner.Connectors.Local;

/// <summary>One <c>dynamo worker</c> process the local connector started.</summary>
internal sealed class WorkerProcess(string workerId, Process process) : IDisposable
{
    public string WorkerId => workerId;

    public int Pid { get; } = process.Id;

    public bool HasExited => process.HasExited;

    public int ExitCode => process.ExitCode;

    /// <exception cref="InvalidOperationException">The program could not be started.</exception>
    public static WorkerProcess Start(ProcessStartInfo info, string workerId)
    {
        Process? process;
        try
        {
            process = Process.Start(info);
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or FileNotFoundException)
        {
            throw new InvalidOperationException($"Could not start worker {workerId} ('{info.FileName}'): {ex.Message}", ex);
        }
        return new WorkerProcess(workerId, process ?? throw new InvalidOperationException($"Could not start worker {workerId} ('{info.FileName}')."));
    }

    /// <summary>
    /// SIGTERM, then up to <paramref name="drain"/> for the worker to leave the registry, hand its streams over and exit;
    /// killed (with anything it started) if it has not by then.
    /// </summary>
    /// <returns>Whether it exited by itself within the drain.</returns>
    public async Task<bool> StopAsync(TimeSpan drain, TimeProvider clock)
    {
        if (process.HasExited)
            return true;
        if (Sigterm.Send(process))
        {
            using var timeout = new CancellationTokenSource(drain, clock);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
                return true;
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
            }
        }
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited between the deadline and the kill.
        }
        await process.WaitForExitAsync(CancellationToken.None);
        return false;
    }

    public void Dispose() => process.Dispose();
}
