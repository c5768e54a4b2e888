namespace Dynamo.Dev.Cluster;

/// <summary><c>dynamo worker</c> processes started together; on dispose each is asked to stop (SIGTERM), so it leaves the registry cleanly.</summary>
internal sealed class WorkerProcesses(IReadOnlyList<ChildProcess> processes) : IAsyncDisposable
{
    /// <param name="arguments">The worker command's arguments for worker i (after <c>worker</c>).</param>
    public static WorkerProcesses Start(string hostAssembly, int count, Func<int, string[]> arguments) =>
        new([.. Enumerable.Range(0, count).Select(i => ChildProcess.Dynamo(hostAssembly, ["worker", .. arguments(i)]))]);

    public bool AnyExited => processes.Any(p => p.HasExited);

    public string Output => string.Join("\n", processes.Select(p => p.Output));

    public async ValueTask DisposeAsync()
    {
        foreach (var process in processes.Where(p => !p.HasExited))
            process.Signal("TERM");
        foreach (var process in processes)
        {
            await process.WaitForExitAsync(TimeSpan.FromSeconds(30)).ContinueWith(_ => { });
            await process.DisposeAsync();
        }
    }
}
