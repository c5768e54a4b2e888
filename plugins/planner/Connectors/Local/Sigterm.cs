using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Dynamo.Planner.Connectors.Local;

/// <summary>
/// SIGTERM, which .NET can handle but not send (<see cref="Process.Kill()"/> is SIGKILL): libc's <c>kill</c> directly,
/// no <c>kill</c> process to start or find on the PATH.
/// </summary>
internal static class Sigterm
{
    private const int Signal = 15; // SIGTERM on Linux and macOS alike
    private const int NoSuchProcess = 3; // ESRCH

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    /// <summary>Asks the process to stop. False where there is no SIGTERM (Windows): the caller kills instead.</summary>
    /// <exception cref="InvalidOperationException">kill(2) failed for another reason than the process being gone.</exception>
    public static bool Send(Process process)
    {
        if (OperatingSystem.IsWindows())
            return false;
        if (Kill(process.Id, Signal) != 0 && Marshal.GetLastPInvokeError() is var errno && errno != NoSuchProcess)
            throw new InvalidOperationException($"SIGTERM to process {process.Id} failed (errno {errno}).");
        return true;
    }
}
