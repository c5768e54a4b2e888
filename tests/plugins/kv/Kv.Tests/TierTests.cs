using Dynamo.Abstractions.KvCache;
using Dynamo.Kv.Disk;
using Dynamo.Kv.HostMemory;

namespace Dynamo.Kv.Tests;

/// <summary>The shipped offload tiers on their own: bounds, eviction order, dedup, checksums, restart.</summary>
public sealed class TierTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("dynamo-kv-test-").FullName;

    private static KvBlockPayload Block(ulong hash, int priority = 0, int bytes = 100) =>
        new(new KvBlockHash(hash * 31, hash), hash > 1 ? hash - 1 : null, [(int)hash, 7, 9], Enumerable.Range(0, bytes).Select(i => (byte)((ulong)i * hash)).ToArray(), priority);

    [Fact]
    public async Task Host_memory_keeps_blocks_up_to_its_bytes_and_hands_back_the_lowest_priority_least_recent()
    {
        var tier = new HostMemoryTier(capacityBytes: 300);
        var events = new List<KvCacheEvent>();
        tier.KvEventPublished += events.Add;
        Assert.Empty(await tier.OfferAsync(Block(1, priority: 5), default));
        Assert.Empty(await tier.OfferAsync(Block(2), default));
        Assert.Empty(await tier.OfferAsync(Block(3), default));
        Assert.Empty(await tier.OfferAsync(Block(3), default));  // held already: deduplicated
        await tier.TryFetchAsync(2, default);                     // a use: 2 is now newer than 3

        var evicted = await tier.OfferAsync(Block(4), default);

        Assert.Equal([3UL], evicted.Select(b => b.Hash.SequenceHash));
        Assert.True(tier.Contains(1) && tier.Contains(2) && tier.Contains(4) && !tier.Contains(3));
        Assert.Equal(Block(1).Data.ToArray(), (await tier.TryFetchAsync(1, default))!.Data.ToArray());
        Assert.All(events, e => Assert.Equal(KvStorageTier.HostMemory, e.Tier));
        Assert.Equal([3UL], events.OfType<KvBlocksRemoved>().Single().SequenceHashes);
    }

    [Fact]
    public async Task Host_memory_can_be_bounded_by_a_block_count()
    {
        var tier = new HostMemoryTier(capacityBytes: 1 << 30, maxBlocks: 2);
        await tier.OfferAsync(Block(1), default);
        await tier.OfferAsync(Block(2), default);
        Assert.Equal([1UL], (await tier.OfferAsync(Block(3), default)).Select(b => b.Hash.SequenceHash));
    }

    [Fact]
    public async Task A_disk_block_reads_back_exactly_and_a_corrupt_or_truncated_one_is_never_served()
    {
        var tier = new DiskTier(_folder, 1 << 20, minOffers: 1, persist: false);
        foreach (var hash in new ulong[] { 1, 2, 3 })
            Assert.Empty(await tier.OfferAsync(Block(hash), default));

        var back = (await tier.TryFetchAsync(2, default))!;
        Assert.Equal((Block(2).Hash, Block(2).ParentSequenceHash, 0), (back.Hash, back.ParentSequenceHash, back.Priority));
        Assert.Equal(Block(2).TokenIds, back.TokenIds);
        Assert.Equal(Block(2).Data.ToArray(), back.Data.ToArray());

        var file1 = Path.Combine(_folder, 1UL.ToString("x16") + ".kvb");
        var bytes = await File.ReadAllBytesAsync(file1);
        bytes[40] ^= 0xFF;
        await File.WriteAllBytesAsync(file1, bytes);
        var file3 = Path.Combine(_folder, 3UL.ToString("x16") + ".kvb");
        await File.WriteAllBytesAsync(file3, (await File.ReadAllBytesAsync(file3))[..60]);

        Assert.Null(await tier.TryFetchAsync(1, default));
        Assert.Null(await tier.TryFetchAsync(3, default));
        Assert.False(tier.Contains(1) || tier.Contains(3) || File.Exists(file1) || File.Exists(file3));
        Assert.True(tier.Contains(2));
    }

    [Fact]
    public async Task A_persistent_disk_tier_rebuilds_its_index_after_a_restart_and_drops_damaged_files()
    {
        var before = new DiskTier(_folder, 1 << 20, minOffers: 1, persist: true);
        foreach (var hash in new ulong[] { 1, 2, 3 })
            await before.OfferAsync(Block(hash, priority: (int)hash), default);
        var file2 = Path.Combine(_folder, 2UL.ToString("x16") + ".kvb");
        await File.WriteAllBytesAsync(file2, (await File.ReadAllBytesAsync(file2))[..^1]);
        await File.WriteAllTextAsync(Path.Combine(_folder, "0000000000000009.kvb.tmp"), "half a write");

        var after = new DiskTier(_folder, 1 << 20, minOffers: 1, persist: true);
        var announced = new List<KvCacheEvent>();
        after.KvEventPublished += announced.Add;

        Assert.Equal(2, after.Count);
        // A subscriber (the engine, and through it the router) first hears what was recovered.
        Assert.Equal([Block(1).Hash, Block(3).Hash], Assert.IsType<KvBlocksStored>(Assert.Single(announced)).Blocks.OrderBy(b => b.SequenceHash));
        Assert.Equal(Block(3).Data.ToArray(), (await after.TryFetchAsync(3, default))!.Data.ToArray());
        Assert.False(after.Contains(2));
        Assert.Equal(2, Directory.GetFiles(_folder).Length);

        var fresh = new DiskTier(_folder, 1 << 20, minOffers: 1, persist: false);
        Assert.Equal(0, fresh.Count);
        Assert.Empty(Directory.GetFiles(_folder));
    }

    [Fact]
    public async Task The_frequency_filter_takes_only_blocks_offered_that_often_and_the_bound_evicts_by_priority()
    {
        var tier = new DiskTier(_folder, capacityBytes: 2 * KvBlockFile.Write(Block(1)).Length, minOffers: 2, persist: false);
        Assert.Single(await tier.OfferAsync(Block(1, priority: 3), default));  // first time: passed on, not stored
        Assert.False(tier.Contains(1));
        Assert.Empty(await tier.OfferAsync(Block(1, priority: 3), default));
        Assert.True(tier.Contains(1));

        await tier.OfferAsync(Block(2), default);
        await tier.OfferAsync(Block(2), default);
        await tier.OfferAsync(Block(4), default);
        await tier.OfferAsync(Block(4), default);   // full: block 2 (priority 0, older) goes, not block 1 (priority 3)

        Assert.True(tier.Contains(1) && tier.Contains(4) && !tier.Contains(2));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
