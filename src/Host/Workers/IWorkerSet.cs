using Dynamo.Abstractions.KvCache;

namespace Dynamo.Host.Workers;

/// <summary>The workers of one model right now, and what the router must hear of them.</summary>
internal interface IWorkerSet : IAsyncDisposable
{
    /// <summary>A snapshot: workers may join or leave between two reads.</summary>
    IReadOnlyList<IWorker> Workers { get; }

    /// <summary>A worker's KV cache changed (worker id, event).</summary>
    event Action<string, KvCacheEvent>? KvEventPublished;

    /// <summary>A worker left (its lease expired, or it said goodbye).</summary>
    event Action<string>? WorkerRemoved;
}
