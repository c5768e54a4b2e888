using Dynamo.Abstractions.KvCache;
using Microsoft.Extensions.Logging;

namespace Dynamo.Runtime.Workers;

/// <summary>
/// Engines in this process (the single-process host). None joins; an engine that fails leaves at
/// once, so the router stops sending it requests (a model with none left answers 503).
/// </summary>
internal sealed class LocalWorkerSet : IWorkerSet
{
    private readonly IReadOnlyList<LocalWorker> _all;
    private readonly ILogger _logger;
    private IReadOnlyList<IWorker> _live;
    private int _failed;

    public LocalWorkerSet(IReadOnlyList<LocalWorker> workers, ILogger logger)
    {
        (_all, _live, _logger) = (workers, workers, logger);
        foreach (var worker in workers)
        {
            worker.Engine.KvEventPublished += e => KvEventPublished?.Invoke(worker.WorkerId, e);
            worker.Engine.Faulted += ex => Fail(worker, ex);
        }
    }

    public IReadOnlyList<IWorker> Workers => Volatile.Read(ref _live);

    public int FailedWorkers => Volatile.Read(ref _failed);

    public event Action<string, KvCacheEvent>? KvEventPublished;

    public event Action<string>? WorkerRemoved;

    private void Fail(LocalWorker worker, Exception exception)
    {
        IReadOnlyList<IWorker> before, after;
        do
        {
            before = Volatile.Read(ref _live);
            after = [.. before.Where(w => !ReferenceEquals(w, worker))];
            if (after.Count == before.Count)
                return;
        }
        while (Interlocked.CompareExchange(ref _live, after, before) != before);
        Interlocked.Increment(ref _failed);
        _logger.LogError(exception, "Worker {WorkerId} failed and leaves routing; {Left} of {Total} workers remain", worker.WorkerId, after.Count, _all.Count);
        WorkerRemoved?.Invoke(worker.WorkerId);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in _all)
            await worker.Engine.DisposeAsync();
    }
}
