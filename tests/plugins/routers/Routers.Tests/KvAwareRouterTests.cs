using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.KvCache;
using Dynamo.Abstractions.Requests;
using Dynamo.Abstractions.Routing;
using Dynamo.Routers.KvAware;

namespace Dynamo.Routers.Tests;

/// <summary>The kv router's decisions on constructed cache states, against the cost function by hand.</summary>
public sealed class KvAwareRouterTests
{
    private const int BlockSize = 4;
    private static readonly WorkerSnapshot[] Workers = new[] { "a", "b", "c" }.Select(w => new WorkerSnapshot(w, new EngineDescriptor(BlockSize, 1000, 4096, 16), default)).ToArray();

    private static int[] Prompt(int blocks, int seed = 0) => Enumerable.Range(seed * 1000, blocks * BlockSize).ToArray();

    private static KvBlocksStored Stored(int[] tokens, int blocks) => new(1, KvStorageTier.Device, null, KvBlockHasher.HashBlocks(tokens.AsSpan(0, blocks * BlockSize), BlockSize));

    private static async Task<RoutingDecision> Route(KvAwareRouter router, int[] prompt, string id = "r", int? osl = null) =>
        await router.RouteAsync(new RoutingRequest(id, prompt, osl is null ? RequestMetadata.Empty : RequestMetadata.Empty with { AgentHints = new AgentHints(Priority: null, Osl: osl, SpeculativePrefill: null, LatencySensitivity: null) }), Workers, CancellationToken.None);

    [Fact]
    public async Task APromptCountsAsPrefillUntilItsFirstTokenThenAsDecodeBlocksAtTheirWeight()
    {
        var router = new KvAwareRouter(new KvRouterOptions { Seed = 1 }, new KvIndexer());
        var first = await Route(router, Prompt(8), "first");
        // 8 blocks still to prefill there: the next prompt goes elsewhere, and the one after to the third.
        var second = await Route(router, Prompt(8, seed: 1), "second");
        Assert.NotEqual(first.WorkerId, second.WorkerId);

        router.OnRequestFinished(second.WorkerId, "second");
        router.OnRequestProgress(first.WorkerId, "first", 1);
        // Prefilled: its 8 blocks now count as decode at 0.5 (cost 4 + 2), against 2 on an idle worker.
        var costs = (await Route(router, Prompt(2, seed: 2), "probe")).Candidates!.ToDictionary(c => c.WorkerId, c => c.Cost!.Value);
        Assert.Equal(6.0, costs[first.WorkerId]);
        Assert.All(costs.Where(c => c.Key != first.WorkerId), c => Assert.Equal(2.0, c.Value));

        router.OnRequestFinished(first.WorkerId, "first");
        router.OnRequestFinished("?", "probe");
        costs = (await Route(router, Prompt(2, seed: 3), "after")).Candidates!.ToDictionary(c => c.WorkerId, c => c.Cost!.Value);
        Assert.All(costs.Values, c => Assert.Equal(2.0, c)); // finished: nothing of it counts
    }

    [Fact]
    public async Task PrefillAWorkerReportsQueuedCountsWhenItIsMoreThanTheRouterSentThere()
    {
        var router = new KvAwareRouter(new KvRouterOptions { Seed = 1 }, new KvIndexer());
        // b reports 40 tokens (10 blocks) queued by another frontend: a request of 4 blocks costs 14 there, 4 elsewhere.
        WorkerSnapshot[] workers = [Workers[0], Workers[1] with { Load = new EngineLoad(1, 1, 0, 40) }, Workers[2]];
        var decision = await router.RouteAsync(new RoutingRequest("r", Prompt(4), RequestMetadata.Empty), workers, CancellationToken.None);
        var costs = decision.Candidates!.ToDictionary(c => c.WorkerId, c => c.Cost!.Value);
        Assert.Equal((4.0, 14.0, 4.0), (costs["a"], costs["b"], costs["c"]));
        Assert.NotEqual("b", decision.WorkerId);
    }

    [Fact]
    public async Task WithoutKvEventsTheRouterPredictsCachesFromItsOwnDecisionsUntilTheyLapse()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var router = new KvAwareRouter(new KvRouterOptions { Seed = 1, UseKvEvents = false, PredictedTtlSeconds = 60 }, new KvIndexer(), clock);
        var prompt = Prompt(8);
        var first = await Route(router, prompt, "first");
        router.OnRequestFinished(first.WorkerId, "first");

        // No event came, yet the same prefix goes back, expecting its 8 blocks cached; events are ignored.
        router.OnKvEvent("c", Stored(prompt, 8));
        var again = await Route(router, prompt, "again");
        Assert.Equal((first.WorkerId, 8), (again.WorkerId, again.ExpectedCachedBlocks));
        router.OnRequestFinished(again.WorkerId, "again");

        // Idle 61 s past its last use: the prediction lapses and nothing is expected cached anywhere.
        clock.Advance(TimeSpan.FromSeconds(61));
        var lapsed = await Route(router, prompt, "lapsed");
        Assert.Equal(0, lapsed.ExpectedCachedBlocks);
        Assert.All(lapsed.Candidates!, c => Assert.Equal(0, c.DeviceOverlapBlocks));
    }

    [Fact]
    public async Task PredictedCachesHoldAtMostTheWorkersCapacityDroppingTheLeastRecentlyUsed()
    {
        var router = new KvAwareRouter(new KvRouterOptions { Seed = 1, UseKvEvents = false }, new KvIndexer());
        WorkerSnapshot[] one = [new WorkerSnapshot("a", new EngineDescriptor(BlockSize, 10, 4096, 16), default)];
        async Task<RoutingDecision> On(int[] prompt, string id)
        {
            var decision = await router.RouteAsync(new RoutingRequest(id, prompt, RequestMetadata.Empty), one, CancellationToken.None);
            router.OnRequestFinished("a", id);
            return decision;
        }
        await On(Prompt(6, seed: 1), "x");
        await On(Prompt(6, seed: 2), "y");      // 12 blocks into 10: x's two oldest go
        Assert.Equal(6, (await On(Prompt(6, seed: 2), "y2")).ExpectedCachedBlocks);
        Assert.Equal(0, (await On(Prompt(6, seed: 1), "x2")).ExpectedCachedBlocks); // its prefix broke at block 0
    }

    [Fact]
    public async Task ReplicasCountEachOthersRequestsUntilTheyFinish()
    {
        var (one, two) = (new KvAwareRouter(new KvRouterOptions { Seed = 1 }, new KvIndexer()), new KvAwareRouter(new KvRouterOptions { Seed = 1 }, new KvIndexer()));
        one.ShareLoadWith(two.ApplyRemoteLoad);
        two.ShareLoadWith(one.ApplyRemoteLoad);
        // Alone, both would take turns from the same first worker; sharing, the second avoids the first's.
        var a = await Route(one, Prompt(8), "from-one");
        var b = await Route(two, Prompt(8, seed: 1), "from-two");
        Assert.NotEqual(a.WorkerId, b.WorkerId);
        Assert.Equal(8.0 + 8, b.Candidates!.Single(c => c.WorkerId == a.WorkerId).Cost);

        // Its first token moves it to decode (at 0.5); finished, it counts nowhere.
        one.OnRequestProgress(a.WorkerId, "from-one", 1);
        Assert.Equal(4.0 + 8, (await Route(two, Prompt(8, seed: 2), "probe")).Candidates!.Single(c => c.WorkerId == a.WorkerId).Cost);
        one.OnRequestFinished(a.WorkerId, "from-one");
        Assert.Equal(8.0, (await Route(two, Prompt(8, seed: 3), "probe-2")).Candidates!.Single(c => c.WorkerId == a.WorkerId).Cost);
    }

    [Fact]
    public async Task TheWorkerWithTheLongestCachedPrefixWinsWhenLoadsAreEqual()
    {
        var router = new KvAwareRouter(new KvRouterOptions { Seed = 1 }, new KvIndexer());
        var prompt = Prompt(6);
        router.OnKvEvent("a", Stored(prompt, 4));
        router.OnKvEvent("b", Stored(prompt, 1));
        // Costs: a = 6 − 4 = 2, b = 6 − 1 = 5, c = 6.
        var decision = await Route(router, prompt);
        Assert.Equal(("a", 4), (decision.WorkerId, decision.ExpectedCachedBlocks));
    }

    [Fact]
    public async Task DecodeLoadOutweighsASmallOverlap()
    {
        var router = new KvAwareRouter(new KvRouterOptions { Seed = 1 }, new KvIndexer());
        var (prompt, big) = (Prompt(6), Prompt(10, seed: 5));
        router.OnKvEvent("a", Stored(prompt, 2));
        router.OnKvEvent("a", Stored(big, 1));
        Assert.Equal("a", (await Route(router, big, "big")).WorkerId);   // a = 9, b = c = 10; it adds 9 blocks to a
        // a = (6 − 2) + 9 in flight = 13; b = c = 6.
        var second = await Route(router, prompt, "second");
        Assert.NotEqual("a", second.WorkerId);
        // When both finish, a is cheapest again: a = 4, b = c = 6.
        router.OnRequestFinished("a", "big");
        router.OnRequestFinished(second.WorkerId, "second");
        Assert.Equal("a", (await Route(router, prompt, "third")).WorkerId);
    }

    [Theory]
    [InlineData(0.0, "a")]   // a = 0 (its one request added no block: all cached), b = 2, c = 3
    [InlineData(5.0, "b")]   // a = 0 + 5 × 1 request = 5, b = 2, c = 3
    public async Task ActiveRequestsCountWithTheirWeight(double weight, string expected)
    {
        var router = new KvAwareRouter(new KvRouterOptions { Seed = 2, DecodeActiveRequestWeight = weight }, new KvIndexer());
        var (prompt, small) = (Prompt(3), Prompt(1, seed: 7));
        router.OnKvEvent("a", Stored(prompt, 3));
        router.OnKvEvent("b", Stored(prompt, 1));
        router.OnKvEvent("a", Stored(small, 1));
        Assert.Equal("a", (await Route(router, small, "load")).WorkerId);
        Assert.Equal(expected, (await Route(router, prompt, "p")).WorkerId);
    }

    [Fact]
    public async Task ABurstOfIdenticalPromptsIsSpreadByTheLoadItAdds()
    {
        var router = new KvAwareRouter(new KvRouterOptions { Seed = 3 }, new KvIndexer());
        var prompt = Prompt(8);
        var chosen = new List<string>();
        for (var i = 0; i < 6; i++)
            chosen.Add((await Route(router, prompt, $"r{i}")).WorkerId);
        Assert.Equal(2, chosen.Count(w => w == "a"));
        Assert.Equal(2, chosen.Count(w => w == "b"));
        Assert.Equal(2, chosen.Count(w => w == "c"));
    }

    [Fact]
    public async Task OutputLengthHintsAddDecodeBlocks()
    {
        var router = new KvAwareRouter(new KvRouterOptions { Seed = 4 }, new KvIndexer());
        var first = await Route(router, Prompt(1), "long", osl: 400);   // 1 + 100 blocks on its worker
        var next = await Route(router, Prompt(1, seed: 3), "n1");
        var third = await Route(router, Prompt(1, seed: 4), "n2");
        Assert.DoesNotContain(first.WorkerId, new[] { next.WorkerId, third.WorkerId });
    }

    [Fact]
    public async Task TheOutputEstimateShrinksAsGenerationNearsTheExpectedLength()
    {
        var router = new KvAwareRouter(new KvRouterOptions { Seed = 4 }, new KvIndexer());
        var prompt = Prompt(8);
        router.OnKvEvent("a", Stored(prompt, 8));
        // a holds the prompt and gets a request expected to write 160 tokens: 40 blocks of decode load there.
        Assert.Equal("a", (await Route(router, prompt, "long", osl: 160)).WorkerId);

        // The same prompt again: a costs 0 + 40, the others 8 + 0.
        var before = await Route(router, prompt, "before");
        Assert.NotEqual("a", before.WorkerId);
        router.OnRequestFinished(before.WorkerId, "before");

        // 152 of 160 tokens written: 2 blocks left, so a (0 + 2) is cheapest again.
        router.OnRequestProgress("a", "long", 152);
        Assert.Equal("a", (await Route(router, prompt, "after")).WorkerId);
    }

    [Fact]
    public async Task OffloadedBlocksEarnCreditAtTheirTiersWeightAndNeverCountAsDeviceBlocks()
    {
        var router = new KvAwareRouter(new KvRouterOptions { Seed = 2, HostOverlapWeight = 0.5, DiskOverlapWeight = 0.25 }, new KvIndexer());
        var prompt = Prompt(8);
        var hashes = KvBlockHasher.HashBlocks(prompt, BlockSize);
        KvBlocksStored On(KvStorageTier tier, int from, int to) => new(1, tier, null, hashes[from..to]);
        // a: 2 device + 6 host blocks (cost 8 − 2 − 3 = 3); b: 5 device (3); c: 8 on disk (8 − 2 = 6).
        router.OnKvEvent("a", On(KvStorageTier.Device, 0, 2));
        router.OnKvEvent("a", On(KvStorageTier.HostMemory, 2, 8));
        router.OnKvEvent("b", On(KvStorageTier.Device, 0, 5));
        router.OnKvEvent("c", On(KvStorageTier.Disk, 0, 8));
        // a host-tier removal of a block b holds on its device changes nothing for b.
        router.OnKvEvent("b", new KvBlocksRemoved(2, KvStorageTier.HostMemory, [hashes[0].SequenceHash]));

        var chosen = new HashSet<string>();
        for (var i = 0; i < 20; i++)
        {
            var decision = await Route(router, prompt, $"r{i}");
            chosen.Add(decision.WorkerId);
            Assert.Equal(decision.WorkerId == "a" ? 2 : 5, decision.ExpectedCachedBlocks);
            router.OnRequestFinished(decision.WorkerId, $"r{i}");
        }
        Assert.Equal(["a", "b"], chosen.Order()); // a tie between a and b; c never

        // The candidates the request trace records: each worker's blocks per tier, its prefill and cost.
        var candidates = (await Route(router, prompt, "traced")).Candidates!.ToDictionary(c => c.WorkerId);
        Assert.Equal((2, 6, 0, 3.0, 3.0), (candidates["a"].DeviceOverlapBlocks, candidates["a"].HostOverlapBlocks, candidates["a"].DiskOverlapBlocks, candidates["a"].PrefillBlocks, candidates["a"].Cost!.Value));
        Assert.Equal((5, 0, 0, 3.0, 3.0), (candidates["b"].DeviceOverlapBlocks, candidates["b"].HostOverlapBlocks, candidates["b"].DiskOverlapBlocks, candidates["b"].PrefillBlocks, candidates["b"].Cost!.Value));
        Assert.Equal((0, 0, 8, 6.0, 6.0), (candidates["c"].DeviceOverlapBlocks, candidates["c"].HostOverlapBlocks, candidates["c"].DiskOverlapBlocks, candidates["c"].PrefillBlocks, candidates["c"].Cost!.Value));
    }

    [Fact]
    public async Task TiesTakeTurnsAndTemperatureSamples()
    {
        var cold = new KvAwareRouter(new KvRouterOptions { Seed = 5 }, new KvIndexer());
        var picks = new HashSet<string>();
        for (var i = 0; i < 30; i++)
        {
            picks.Add((await Route(cold, Prompt(2), $"t{i}")).WorkerId);
            cold.OnRequestFinished("?", $"t{i}");
        }
        Assert.Equal(3, picks.Count);

        var warm = new KvAwareRouter(new KvRouterOptions { Seed = 6, Temperature = 0.5 }, new KvIndexer());
        var prompt = Prompt(8);
        warm.OnKvEvent("a", Stored(prompt, 8));
        var counts = new Dictionary<string, int>();
        for (var i = 0; i < 300; i++)
        {
            var w = (await Route(warm, prompt, $"s{i}")).WorkerId;
            counts[w] = counts.GetValueOrDefault(w) + 1;
            warm.OnRequestFinished(w, $"s{i}");
        }
        // a costs 0, b and c cost 8: normalised 0 vs 1, weights 1 : e^-2 each → a about 79%.
        Assert.InRange(counts["a"], 200, 270);
        Assert.True(counts.GetValueOrDefault("b") > 0 && counts.GetValueOrDefault("c") > 0);
    }
}
