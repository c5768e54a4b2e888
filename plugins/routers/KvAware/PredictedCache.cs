using Dynamo.Abstractions.KvCache;

namespace Dynamo.Routers.KvAware;

/// <summary>
/// Approximate KV routing (Dynamo's <c>--no-router-kv-events</c>), for engines that publish no KV
/// events: each worker's cache predicted from this router's own decisions. A routed prompt's blocks
/// count as cached on its worker for <c>PredictedTtlSeconds</c> after their last use, and at most
/// the worker's KV capacity of them, least recently used dropped first. Predictions reach the index
/// as the stored and removed events a worker would have sent.
/// </summary>
internal sealed class PredictedCache(KvIndexer index, TimeSpan ttl, TimeProvider clock)
{
    private sealed class WorkerBlocks
    {
        public readonly LinkedList<(ulong Hash, long LastUsed)> Order = new();
        public readonly Dictionary<ulong, LinkedListNode<(ulong Hash, long LastUsed)>> Nodes = [];
    }

    private readonly Dictionary<string, WorkerBlocks> _workers = [];

    /// <summary>The prompt went to <paramref name="workerId"/>: its blocks are (again) the most recently used there.</summary>
    /// <remarks>Called under the router's lock.</remarks>
    public void Routed(string workerId, IReadOnlyList<KvBlockHash> blocks, int capacityBlocks)
    {
        if (!_workers.TryGetValue(workerId, out var worker))
            _workers[workerId] = worker = new WorkerBlocks();
        var now = clock.GetTimestamp();
        var added = new List<KvBlockHash>();
        foreach (var block in blocks)
        {
            if (worker.Nodes.Remove(block.SequenceHash, out var node))
                worker.Order.Remove(node);
            else
                added.Add(block);
            worker.Nodes[block.SequenceHash] = worker.Order.AddLast((block.SequenceHash, now));
        }
        if (added.Count > 0)
            index.Apply(workerId, new KvBlocksStored(0, KvStorageTier.Device, null, added));
        Expire(workerId, worker, capacityBlocks);
    }

    /// <summary>Drops what has lapsed, everywhere; called before each decision.</summary>
    public void ExpireAll()
    {
        foreach (var (id, worker) in _workers)
            Expire(id, worker, int.MaxValue);
    }

    private void Expire(string workerId, WorkerBlocks worker, int capacityBlocks)
    {
        var removed = new List<ulong>();
        while (worker.Order.First is { } oldest && (worker.Order.Count > capacityBlocks || clock.GetElapsedTime(oldest.Value.LastUsed) > ttl))
        {
            worker.Order.RemoveFirst();
            worker.Nodes.Remove(oldest.Value.Hash);
            removed.Add(oldest.Value.Hash);
        }
        if (removed.Count > 0)
            index.Apply(workerId, new KvBlocksRemoved(0, KvStorageTier.Device, removed));
    }

    public void Remove(string workerId) => _workers.Remove(workerId);
}
