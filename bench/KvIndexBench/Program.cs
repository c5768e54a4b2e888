using System.Diagnostics;
using Dynamo.Abstractions.KvCache;
using Dynamo.Routers.KvAware;

// The kv router's index at Dynamo's benchmark size: 64 workers × 16,384 blocks each, filled
// from an agentic trace (32 shared system-prompt prefixes of 128–512 blocks, each worker holding
// 8 of them, the rest of its blocks unique conversation chains). Measures, on one core:
// - events: store and remove events of 16 blocks applied to one worker, as block operations/s,
//   next to the bare ConcurrentDictionary updates they cost (the baseline, same run);
// - lookups: overlap of a 320-block prompt (a shared prefix plus its own tail) across all
//   workers, latency p50/p99 over 200,000 lookups, next to the bare probes of its hashes.
// Usage: dotnet run -c Release --project bench/KvIndexBench
const int workers = 64, blocksPerWorker = 16_384, prefixes = 32, prefixesPerWorker = 8, eventBlocks = 16;
var random = new Random(42);
KvBlockHash[] Chain(int blocks, int seed) => KvBlockHasher.HashBlocks(Enumerable.Range(0, blocks * 16).Select(i => (i * 7919) ^ (seed * 104729)).ToArray(), 16);
var shared = Enumerable.Range(0, prefixes).Select(p => Chain(128 + random.Next(385), p)).ToArray();
var index = new KvIndexer();
var stored = 0L;
for (var w = 0; w < workers; w++)
{
    var held = 0;
    foreach (var p in Enumerable.Range(0, prefixes).OrderBy(_ => random.Next()).Take(prefixesPerWorker))
    {
        index.Apply($"w{w}", new KvBlocksStored(0, KvStorageTier.Device, null, shared[p]));
        held += shared[p].Length;
    }
    for (var c = 0; held < blocksPerWorker; c++)
    {
        var chain = Chain(Math.Min(256, blocksPerWorker - held), 1_000_000 + w * 10_000 + c);
        index.Apply($"w{w}", new KvBlocksStored(0, KvStorageTier.Device, null, chain));
        held += chain.Length;
    }
    stored += held;
}
Console.WriteLine($"index: {workers} workers × {blocksPerWorker} blocks = {stored:N0} block entries, {index.Blocks:N0} distinct blocks, {Environment.ProcessorCount} cores (one used)");

// Baselines: a plain concurrent dictionary as big as the index, holding the shared prefixes.
var sameSize = new System.Collections.Concurrent.ConcurrentDictionary<ulong, ulong>();
foreach (var chain in shared)
    foreach (var b in chain)
        sameSize[b.SequenceHash] = 1;
for (var k = 0UL; sameSize.Count < index.Blocks; k++)
    sameSize[k * 0x9E3779B97F4A7C15UL] = 1;
var bare = sameSize;

// Events: a fresh 16-block chain stored then removed on a worker; 32 block operations per round.
var churn = Enumerable.Range(0, 512).Select(i => Chain(eventBlocks, 9_000_000 + i)).ToArray();
double Rate(Action<int> round, int rounds)
{
    var watch = Stopwatch.StartNew();
    for (var i = 0; i < rounds; i++)
        round(i);
    return rounds * 2.0 * eventBlocks / watch.Elapsed.TotalSeconds;
}
// Events are built once: the measurement is the index, not their allocation.
var names = Enumerable.Range(0, workers).Select(w => $"w{w}").ToArray();
var storeEvents = churn.Select((c, i) => new KvBlocksStored(i, KvStorageTier.Device, null, c)).ToArray();
var removeEvents = churn.Select((c, i) => new KvBlocksRemoved(i, KvStorageTier.Device, c.Select(b => b.SequenceHash).ToList())).ToArray();
void IndexRound(int i)
{
    var worker = names[i % workers];
    index.Apply(worker, storeEvents[i % churn.Length]);
    index.Apply(worker, removeEvents[i % churn.Length]);
}
void BareRound(int i)
{
    var chain = churn[i % churn.Length];
    var bit = 1UL << (i % workers);
    foreach (var b in chain)
        bare.AddOrUpdate(b.SequenceHash, static (_, x) => x, static (_, v, x) => v | x, bit);
    foreach (var b in chain)
        bare.TryRemove(b.SequenceHash, out _);
}
Rate(IndexRound, 20_000);
Rate(BareRound, 20_000);
var (indexRate, bareRate) = (Rate(IndexRound, 200_000), Rate(BareRound, 200_000));
Console.WriteLine($"events:  {indexRate / 1e6:F2} M block ops/s per core (the same updates on a plain dictionary of that size: {bareRate / 1e6:F2} M/s, ratio {indexRate / bareRate:F2})");

// Lookups: a shared prefix plus its own 64-block tail.
var prompts = Enumerable.Range(0, 256).Select(i => shared[i % prefixes].Concat(Chain(64, 5_000_000 + i)).ToArray()).ToArray();
Span<int> overlaps = stackalloc int[KvIndexer.MaxWorkers];
var latencies = new double[200_000];
var bareLatencies = new double[200_000];
for (var pass = 0; pass < 2; pass++) // the first pass warms up
    for (var i = 0; i < latencies.Length; i++)
    {
        var prompt = prompts[i % prompts.Length];
        var start = Stopwatch.GetTimestamp();
        index.Overlaps(prompt, overlaps);
        latencies[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        start = Stopwatch.GetTimestamp();
        var found = 0;
        foreach (var block in prompt)
        {
            if (!sameSize.ContainsKey(block.SequenceHash))
                break; // as the index stops when no worker holds the prefix any more
            found++;
        }
        bareLatencies[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds + found * 0;
    }
double Percentile(double[] values, double p)
{
    var sorted = (double[])values.Clone();
    Array.Sort(sorted);
    return sorted[(int)(p * (sorted.Length - 1))];
}
var blocksPerPrompt = prompts.Average(p => p.Length);
Console.WriteLine($"lookups: {blocksPerPrompt:F0}-block prompts across {workers} workers: p50 {Percentile(latencies, 0.5):F1} µs, p99 {Percentile(latencies, 0.99):F1} µs " +
    $"({blocksPerPrompt / Percentile(latencies, 0.5):F0} M block probes/s); the same probes on a plain dictionary of that size p50 {Percentile(bareLatencies, 0.5):F1} µs");
