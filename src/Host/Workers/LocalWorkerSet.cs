using Dynamo.Abstractions.KvCache;

namespace Dynamo.Host.Workers;

/// <summary>A fixed set of engines in this process (the single-process host): none joins or leaves.</summary>
internal sealed class LocalWorkerSet : IWorkerSet
{
    private readonly IReadOnlyList<LocalWorker> _workers;

    public LocalWorkerSet(IReadOnlyList<LocalWorker> workers)
    {
        _workers = workers;
        foreach (var worker in workers)
            worker.Engine.KvEventPublished += e => KvEventPublished?.Invoke(worker.WorkerId, e);
    }

    public IReadOnlyList<IWorker> Workers => _workers;

    public event Action<string, KvCacheEvent>? KvEventPublished;

    // A fixed set never loses a worker.
    public event Action<string>? WorkerRemoved { add { } remove { } }

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in _workers)
            await worker.Engine.DisposeAsync();
    }
}
