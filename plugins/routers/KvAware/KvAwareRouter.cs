using Dynamo.Abstractions.KvCache;
using Dynamo.Abstractions.Routing;

namespace Dynamo.Routers.KvAware;

/// <summary>
/// Routes each request to the worker where it costs least, as Dynamo's potential prefill and decode blocks do:
/// <c>PrefillLoadScale × (queued prefill blocks + this request's uncached blocks) + DecodeLoadScale × resident decode blocks + DecodeActiveRequestWeight × active requests</c>.
/// <list type="bullet">
/// <item>The request's uncached blocks are its prompt blocks less the overlap read from the KV index
/// (device blocks count 1, the host-memory and disk blocks that continue them <c>HostOverlapWeight</c>
/// and <c>DiskOverlapWeight</c>, times <c>OverlapCredit</c>).</item>
/// <item>Queued prefill is what is still to prefill on the worker: the uncached blocks of requests this
/// router sent there that have not produced a token yet, or, when more, the prefill tokens the worker
/// reports queued (other frontends' requests, or a worker this router just met).</item>
/// <item>Decode blocks are the KV blocks the worker's requests hold or will hold: for those this router
/// sent, the output they are still expected to write (from <c>osl</c>) from the moment they are routed,
/// and their prompt's new blocks once prefilled; or, when more, the active blocks the worker reports.</item>
/// </list>
/// So a burst is spread as soon as it is routed, a request's prompt counts as prefill only until its
/// first token, and everything it added stops counting when it finishes. With <c>UseKvEvents: false</c>
/// the index is predicted from the router's own decisions instead (<see cref="PredictedCache"/>).
/// </summary>
internal sealed class KvAwareRouter(KvRouterOptions options, KvIndexer index, TimeProvider? clock = null) : IRouter, IReplicatedRouter
{
    // Router replica sync: where this router's own changes go, and what other replicas count, by request.
    private Action<RouterLoadShare>? _share;
    private readonly Dictionary<string, RouterLoadShare> _remote = [];
    private readonly PredictedCache? _predicted = options.UseKvEvents ? null
        : new PredictedCache(index, TimeSpan.FromSeconds(options.PredictedTtlSeconds), clock ?? TimeProvider.System);
    private readonly Random _random = options.Seed is { } seed ? new Random(seed) : new Random();
    private long _decisions;
    private readonly Dictionary<string, long> _lastChosen = [];
    private readonly Lock _lock = new();
    private readonly Dictionary<string, WorkerLoad> _load = [];
    private readonly Dictionary<string, Routed> _routed = [];

    /// <summary>What this router has sent to one worker and not yet seen finish.</summary>
    private sealed class WorkerLoad
    {
        public long PrefillBlocks;
        public long DecodeBlocks;
        public int Requests;
    }

    private sealed record Routed(string Worker, int BlockSize, int Osl, long UncachedBlocks)
    {
        public bool Prefilling { get; set; } = true;

        /// <summary>Output blocks it is still expected to write (from <c>osl</c>).</summary>
        public long OutputBlocks { get; set; }

        /// <summary>What it counts on the worker's KV now: its expected output, and its new prompt blocks once prefilled.</summary>
        public long DecodeBlocks => OutputBlocks + (Prefilling ? 0 : UncachedBlocks);
    }

    public ValueTask<RoutingDecision> RouteAsync(RoutingRequest request, IReadOnlyList<WorkerSnapshot> workers, CancellationToken cancellationToken)
    {
        var blockSize = workers[0].Descriptor.KvBlockSize;
        var tokens = request.TokenIds as int[] ?? request.TokenIds.ToArray();
        var hashes = KvBlockHasher.HashBlocks(tokens, blockSize);
        var promptBlocks = (tokens.Length + blockSize - 1) / blockSize;
        var osl = request.Metadata.AgentHints?.Osl ?? 0;
        if (_predicted is not null)
            lock (_lock)
                _predicted.ExpireAll();
        Span<int> overlaps = stackalloc int[KvIndexer.MaxWorkers];
        index.Overlaps(hashes, overlaps);
        Span<double> tierCredit = stackalloc double[KvIndexer.MaxWorkers];
        index.LowerTierCredit(hashes, overlaps, tierCredit, options.HostOverlapWeight, options.DiskOverlapWeight);
        // Per-tier block counts, for the candidates the request trace records.
        Span<double> hostBlocks = stackalloc double[KvIndexer.MaxWorkers];
        Span<double> diskBlocks = stackalloc double[KvIndexer.MaxWorkers];
        index.LowerTierCredit(hashes, overlaps, hostBlocks, 1, 0);
        index.LowerTierCredit(hashes, overlaps, diskBlocks, 0, 1);

        lock (_lock)
        {
            Span<double> costs = stackalloc double[workers.Count];
            var candidates = new RouterCandidate[workers.Count];
            for (var w = 0; w < workers.Count; w++)
            {
                var worker = workers[w];
                var load = _load.GetValueOrDefault(worker.WorkerId) ?? new WorkerLoad();
                var slot = index.Slot(worker.WorkerId);
                var uncached = Math.Max(promptBlocks - options.OverlapCredit * (overlaps[slot] + tierCredit[slot]), 0);
                var queued = Math.Max(load.PrefillBlocks, (double)worker.Load.QueuedPrefillTokens / blockSize);
                var decode = (double)load.DecodeBlocks;
                costs[w] = options.PrefillLoadScale * (queued + uncached) + options.DecodeLoadScale * decode + options.DecodeActiveRequestWeight * load.Requests;
                candidates[w] = new RouterCandidate(worker.WorkerId, overlaps[slot], (int)hostBlocks[slot], (int)diskBlocks[slot], queued + uncached, (long)decode, load.Requests, costs[w]);
            }
            var chosen = options.Temperature > 0 ? Sample(costs) : Cheapest(costs, workers);
            var id = workers[chosen].WorkerId;
            // Until its first token it is prefill there: the blocks it does not find cached.
            var routed = new Routed(id, blockSize, osl, promptBlocks - overlaps[index.Slot(id)]) { OutputBlocks = OutputBlocks(osl, 0, blockSize) };
            if (!_load.TryGetValue(id, out var chosenLoad))
                _load[id] = chosenLoad = new WorkerLoad();
            chosenLoad.PrefillBlocks += routed.UncachedBlocks;
            chosenLoad.DecodeBlocks += routed.DecodeBlocks;
            chosenLoad.Requests++;
            _routed[request.RequestId] = routed;
            Share(request.RequestId, routed);
            _predicted?.Routed(id, hashes, workers[chosen].Descriptor.KvCapacityBlocks);
            return ValueTask.FromResult(new RoutingDecision(id, overlaps[index.Slot(id)], candidates));
        }
    }

    // Among equal costs, the worker chosen least recently: with nothing to tell workers apart, the router is round-robin.
    private int Cheapest(ReadOnlySpan<double> costs, IReadOnlyList<WorkerSnapshot> workers)
    {
        var min = double.MaxValue;
        foreach (var c in costs)
            min = Math.Min(min, c);
        var (best, bestLast) = (-1, long.MaxValue);
        for (var i = 0; i < costs.Length; i++)
            if (costs[i] == min && _lastChosen.GetValueOrDefault(workers[i].WorkerId, -1) is var last && last < bestLast)
                (best, bestLast) = (i, last);
        _lastChosen[workers[best].WorkerId] = _decisions++;
        return best;
    }

    // Softmax over negative costs scaled to [0, 1], so the temperature means the same at any load.
    private int Sample(ReadOnlySpan<double> costs)
    {
        double min = double.MaxValue, max = double.MinValue;
        foreach (var c in costs)
            (min, max) = (Math.Min(min, c), Math.Max(max, c));
        var range = max - min;
        Span<double> weights = stackalloc double[costs.Length];
        var total = 0.0;
        for (var i = 0; i < costs.Length; i++)
            total += weights[i] = Math.Exp(-(range > 0 ? (costs[i] - min) / range : 0) / options.Temperature);
        var pick = _random.NextDouble() * total;
        for (var i = 0; i < costs.Length; i++)
            if ((pick -= weights[i]) <= 0)
                return i;
        return costs.Length - 1;
    }

    // In approximate mode the index holds predictions only: events would mix in what it chose not to follow.
    public void OnKvEvent(string workerId, KvCacheEvent kvEvent)
    {
        if (_predicted is null)
            index.Apply(workerId, kvEvent);
    }

    private static long OutputBlocks(int osl, int generated, int blockSize) => (Math.Max(osl - generated, 0) + blockSize - 1) / blockSize;

    public void OnRequestProgress(string workerId, string requestId, int generatedTokens)
    {
        lock (_lock)
        {
            if (!_routed.TryGetValue(requestId, out var routed) || !_load.TryGetValue(routed.Worker, out var load))
                return;
            // Only a change goes to the replicas: the end of the prefill, or a shrinking output estimate.
            var changed = routed.Prefilling || routed.Osl > 0;
            if (routed.Prefilling)
            {
                // Its first tokens: the prompt is prefilled, and its blocks now hold decode state.
                routed.Prefilling = false;
                load.PrefillBlocks = Math.Max(0, load.PrefillBlocks - routed.UncachedBlocks);
                load.DecodeBlocks += routed.UncachedBlocks;
            }
            if (routed.Osl > 0)
            {
                var remaining = OutputBlocks(routed.Osl, generatedTokens, routed.BlockSize);
                load.DecodeBlocks = Math.Max(0, load.DecodeBlocks - (routed.OutputBlocks - remaining));
                routed.OutputBlocks = remaining;
            }
            if (changed)
                Share(requestId, routed);
        }
    }

    public void OnRequestFinished(string workerId, string requestId)
    {
        lock (_lock)
        {
            if (!_routed.Remove(requestId, out var routed) || !_load.TryGetValue(routed.Worker, out var load))
                return;
            if (routed.Prefilling)
                load.PrefillBlocks = Math.Max(0, load.PrefillBlocks - routed.UncachedBlocks);
            load.DecodeBlocks = Math.Max(0, load.DecodeBlocks - routed.DecodeBlocks);
            load.Requests = Math.Max(0, load.Requests - 1);
            _share?.Invoke(new RouterLoadShare(requestId, routed.Worker, 0, 0, Finished: true));
        }
    }

    private void Share(string requestId, Routed routed) =>
        _share?.Invoke(new RouterLoadShare(requestId, routed.Worker, routed.Prefilling ? routed.UncachedBlocks : 0, routed.DecodeBlocks));

    public void ShareLoadWith(Action<RouterLoadShare> publish) => _share = publish;

    /// <summary>Another replica's request: what it counted before comes off its worker, what it counts now goes on.</summary>
    public void ApplyRemoteLoad(RouterLoadShare share)
    {
        lock (_lock)
        {
            if (_remote.Remove(share.RequestId, out var before) && _load.TryGetValue(before.WorkerId, out var old))
            {
                old.PrefillBlocks = Math.Max(0, old.PrefillBlocks - before.PrefillBlocks);
                old.DecodeBlocks = Math.Max(0, old.DecodeBlocks - before.DecodeBlocks);
                old.Requests = Math.Max(0, old.Requests - 1);
            }
            if (share.Finished)
                return;
            if (!_load.TryGetValue(share.WorkerId, out var load))
                _load[share.WorkerId] = load = new WorkerLoad();
            load.PrefillBlocks += share.PrefillBlocks;
            load.DecodeBlocks += share.DecodeBlocks;
            load.Requests++;
            _remote[share.RequestId] = share;
        }
    }

    public void OnWorkerRemoved(string workerId)
    {
        index.Remove(workerId);
        lock (_lock)
        {
            _load.Remove(workerId);
            _predicted?.Remove(workerId);
            foreach (var gone in _remote.Where(r => r.Value.WorkerId == workerId).Select(r => r.Key).ToList())
                _remote.Remove(gone);
        }
    }
}
