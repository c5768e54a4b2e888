using Dynamo.Abstractions.KvCache;

namespace Dynamo.Runtime.Workers;

/// <summary>The workers of one model right now, and what the router must hear of them.</summary>
public interface IWorkerSet : IAsyncDisposable
{
    /// <summary>A snapshot: workers may join or leave between two reads.</summary>
    IReadOnlyList<IWorker> Workers { get; }

    /// <summary>Workers taken out because their engine failed.</summary>
    int FailedWorkers => 0;

    /// <summary>A worker's KV cache changed (worker id, event).</summary>
    event Action<string, KvCacheEvent>? KvEventPublished;

    /// <summary>A worker left (its lease expired, it said goodbye, or its engine failed).</summary>
    event Action<string>? WorkerRemoved;

    /// <summary>The same model's routers in other frontends, when the transport shares router load; null otherwise.</summary>
    IRouterReplicas? Replicas => null;
}
