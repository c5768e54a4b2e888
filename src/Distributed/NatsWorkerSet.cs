using Dynamo.Abstractions.KvCache;
using Dynamo.Runtime.Workers;

namespace Dynamo.Distributed;

/// <summary>One model's workers as the registry says they are now; <see cref="WorkerDiscovery"/> keeps it current.</summary>
/// <param name="replicas">This model's router replicas, when the frontend syncs router load.</param>
internal sealed class NatsWorkerSet(NatsRouterReplicas? replicas = null) : IWorkerSet
{
    IRouterReplicas? IWorkerSet.Replicas => replicas;

    public NatsRouterReplicas? Replicas => replicas;

    private readonly Lock _lock = new();
    private IReadOnlyList<RemoteWorker> _workers = [];

    public IReadOnlyList<IWorker> Workers => _workers;

    public event Action<string, KvCacheEvent>? KvEventPublished;

    public event Action<string>? WorkerRemoved;

    public void Add(RemoteWorker worker)
    {
        lock (_lock)
            _workers = [.. _workers.Where(w => w.WorkerId != worker.WorkerId), worker];
    }

    public void Remove(RemoteWorker worker)
    {
        lock (_lock)
            _workers = [.. _workers.Where(w => w != worker)];
        WorkerRemoved?.Invoke(worker.WorkerId);
    }

    public void Publish(string workerId, KvCacheEvent kvEvent) => KvEventPublished?.Invoke(workerId, kvEvent);

    // The discovery owns the connection the workers use.
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
