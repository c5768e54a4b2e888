namespace Dynamo.Planner.Inputs;

/// <summary>
/// Gathers the workers' load sampled through an interval into each pool's <see cref="PoolLoad"/>, so the load
/// mode can tell "over for a moment" from "over for the whole interval".
/// </summary>
internal sealed class PoolLoadWindow(string? model)
{
    private readonly Dictionary<string, Accumulator> _pools = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public void Add(IReadOnlyList<WorkerLoadSample> workers)
    {
        lock (_lock)
            foreach (var pool in workers.Where(w => model is null || w.Model == model).GroupBy(w => w.Pool))
            {
                var count = pool.Count();
                var capacity = pool.Sum(w => (long)w.KvCapacityBlocks);
                var accumulator = _pools.TryGetValue(pool.Key, out var a) ? a : _pools[pool.Key] = new Accumulator();
                accumulator.Add(
                    count,
                    pool.Sum(w => (double)w.Load.WaitingRequests) / count,
                    capacity > 0 ? pool.Sum(w => (double)w.Load.ActiveKvBlocks) / capacity : 0,
                    pool.Sum(w => (double)w.Load.QueuedPrefillTokens) / count);
            }
    }

    /// <summary>Each pool's load since the last call, and a fresh window.</summary>
    public IReadOnlyDictionary<string, PoolLoad> Take()
    {
        lock (_lock)
        {
            var loads = _pools.ToDictionary(p => p.Key, p => p.Value.Summary(), StringComparer.Ordinal);
            _pools.Clear();
            return loads;
        }
    }

    private sealed class Accumulator
    {
        private int _samples, _workers;
        private double _queue, _maxQueue, _kv, _maxKv, _prefill;

        public void Add(int workers, double queue, double kv, double prefill)
        {
            (_samples, _workers) = (_samples + 1, workers);
            (_queue, _maxQueue) = (_queue + queue, Math.Max(_maxQueue, queue));
            (_kv, _maxKv) = (_kv + kv, Math.Max(_maxKv, kv));
            _prefill += prefill;
        }

        public PoolLoad Summary() => new(_workers, _queue / _samples, _maxQueue, _kv / _samples, _maxKv, _prefill / _samples, _samples);
    }
}
