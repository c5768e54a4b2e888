using Dynamo.Abstractions.KvCache;
using Dynamo.Abstractions.Routing;

namespace Dynamo.Routers.KvAware;

/// <summary>
/// Routes each request to the worker where it costs least:
/// <c>PrefillLoadScale × max(promptBlocks − OverlapCredit × overlap, 0) + decodeBlocks + DecodeActiveRequestWeight × activeRequests</c>,
/// with the overlap read from the KV index (device blocks count 1, the host-memory and disk blocks
/// that continue them <c>HostOverlapWeight</c> and <c>DiskOverlapWeight</c>) and the decode load tracked per worker from the
/// requests this router sent there: the blocks each adds (its uncached prompt blocks and the output
/// it is still expected to write, from <c>osl</c>; cached prefix blocks are shared, not added) count
/// from the moment it is routed, so a burst of identical prompts is spread; the output part shrinks
/// as generation nears <c>osl</c>, and all of it stops counting when the request finishes.
/// </summary>
internal sealed class KvAwareRouter(KvRouterOptions options, KvIndexer index) : IRouter
{
    private readonly Random _random = options.Seed is { } seed ? new Random(seed) : new Random();
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (long Blocks, int Requests)> _load = [];
    private readonly Dictionary<string, Routed> _routed = [];

    private sealed record Routed(string Worker, int BlockSize, int Osl, long PromptBlocks)
    {
        public long OutputBlocks { get; set; }

        public long Blocks => PromptBlocks + OutputBlocks;
    }

    public ValueTask<RoutingDecision> RouteAsync(RoutingRequest request, IReadOnlyList<WorkerSnapshot> workers, CancellationToken cancellationToken)
    {
        var blockSize = workers[0].Descriptor.KvBlockSize;
        var tokens = request.TokenIds as int[] ?? request.TokenIds.ToArray();
        var hashes = KvBlockHasher.HashBlocks(tokens, blockSize);
        var promptBlocks = (tokens.Length + blockSize - 1) / blockSize;
        var osl = request.Metadata.AgentHints?.Osl ?? 0;
        var outputBlocks = OutputBlocks(osl, 0, blockSize);
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
                var (blocks, requests) = _load.GetValueOrDefault(workers[w].WorkerId);
                var slot = index.Slot(workers[w].WorkerId);
                var overlap = overlaps[slot] + tierCredit[slot];
                var prefill = Math.Max(promptBlocks - options.OverlapCredit * overlap, 0);
                costs[w] = options.PrefillLoadScale * prefill + blocks + options.DecodeActiveRequestWeight * requests;
                candidates[w] = new RouterCandidate(workers[w].WorkerId, overlaps[slot], (int)hostBlocks[slot], (int)diskBlocks[slot], prefill, blocks, requests, costs[w]);
            }
            var chosen = options.Temperature > 0 ? Sample(costs) : Cheapest(costs);
            var worker = workers[chosen].WorkerId;
            // The blocks this request will add there: what it does not find cached, and its output.
            var routed = new Routed(worker, blockSize, osl, promptBlocks - overlaps[index.Slot(worker)]) { OutputBlocks = outputBlocks };
            var current = _load.GetValueOrDefault(worker);
            _load[worker] = (current.Blocks + routed.Blocks, current.Requests + 1);
            _routed[request.RequestId] = routed;
            return ValueTask.FromResult(new RoutingDecision(worker, overlaps[index.Slot(worker)], candidates));
        }
    }

    private int Cheapest(ReadOnlySpan<double> costs)
    {
        var min = double.MaxValue;
        foreach (var c in costs)
            min = Math.Min(min, c);
        Span<int> ties = stackalloc int[costs.Length];
        var count = 0;
        for (var i = 0; i < costs.Length; i++)
            if (costs[i] == min)
                ties[count++] = i;
        return ties[_random.Next(count)];
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

    public void OnKvEvent(string workerId, KvCacheEvent kvEvent) => index.Apply(workerId, kvEvent);

    private static long OutputBlocks(int osl, int generated, int blockSize) => (Math.Max(osl - generated, 0) + blockSize - 1) / blockSize;

    public void OnRequestProgress(string workerId, string requestId, int generatedTokens)
    {
        lock (_lock)
        {
            if (!_routed.TryGetValue(requestId, out var routed) || routed.Osl == 0 || !_load.TryGetValue(routed.Worker, out var load))
                return;
            var remaining = OutputBlocks(routed.Osl, generatedTokens, routed.BlockSize);
            _load[routed.Worker] = (Math.Max(0, load.Blocks - (routed.OutputBlocks - remaining)), load.Requests);
            routed.OutputBlocks = remaining;
        }
    }

    public void OnRequestFinished(string workerId, string requestId)
    {
        lock (_lock)
        {
            if (!_routed.Remove(requestId, out var routed) || !_load.TryGetValue(routed.Worker, out var load))
                return;
            _load[routed.Worker] = (Math.Max(0, load.Blocks - routed.Blocks), Math.Max(0, load.Requests - 1));
        }
    }

    public void OnWorkerRemoved(string workerId)
    {
        index.Remove(workerId);
        lock (_lock)
            _load.Remove(workerId);
    }
}
