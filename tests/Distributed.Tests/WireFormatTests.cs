using Microsoft.Extensions.Options;
using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.KvCache;
using Dynamo.Abstractions.Requests;
using Dynamo.Runtime.Configuration;
using Dynamo.Distributed;
using Dynamo.Dev.Cluster;
using Dynamo.Testing;
using Microsoft.Extensions.Configuration;

namespace Dynamo.Distributed.Tests;

/// <summary>What frontend and workers say to each other over NATS, and how the runtime is configured.</summary>
public sealed class WireFormatTests
{
    [Fact]
    public void An_engine_request_crosses_the_wire_unchanged_including_values_that_differ_from_record_defaults()
    {
        var request = new EngineRequest("r1", [1, 2, 300_000],
            new SamplingParams(Temperature: 0f, TopP: 0.5f, TopK: 7, Seed: 42, RepetitionPenalty: 1.1f),
            new StopConditions(64, [2, 128_001], IgnoreEos: true),
            new RequestMetadata(new AgentContext("coder", "s1", "t2", null), new AgentHints(5, 200, true, 0.5)));

        var back = WireJson.Read<EngineRequest>(WireJson.Write(request));

        Assert.Equal(request.RequestId, back.RequestId);
        Assert.Equal(request.TokenIds, back.TokenIds);
        Assert.Equal(request.Sampling, back.Sampling);
        Assert.Equal(request.Stop.MaxTokens, back.Stop.MaxTokens);
        Assert.Equal(request.Stop.StopTokenIds, back.Stop.StopTokenIds);
        Assert.True(back.Stop.IgnoreEos);
        Assert.Equal(request.Metadata, back.Metadata);
        Assert.Equal(6, back.Priority); // 5, raised by latency_sensitivity 0.5
    }

    [Fact]
    public void Kv_events_cross_the_wire_unchanged()
    {
        KvCacheEvent[] events =
        [
            new KvBlocksStored(1, KvStorageTier.Device, 0xFFFF_FFFF_FFFF_FFFFUL, [new KvBlockHash(1, 2), new KvBlockHash(ulong.MaxValue - 1, 4)]),
            new KvBlocksStored(2, KvStorageTier.HostMemory, null, [new KvBlockHash(5, 6)]),
            new KvBlocksRemoved(3, KvStorageTier.Device, [2, ulong.MaxValue]),
            new KvCacheCleared(4, KvStorageTier.Disk),
        ];

        var back = WireJson.Read<KvEventMessage[]>(WireJson.Write(events.Select(KvEventMessage.From).ToList())).Select(m => m.ToEvent()).ToList();

        Assert.Equal(4, back.Count);
        var stored = Assert.IsType<KvBlocksStored>(back[0]);
        Assert.Equal((1L, KvStorageTier.Device, (ulong?)0xFFFF_FFFF_FFFF_FFFFUL), (stored.EventId, stored.Tier, stored.ParentHash));
        Assert.Equal(((KvBlocksStored)events[0]).Blocks, stored.Blocks);
        Assert.Null(Assert.IsType<KvBlocksStored>(back[1]).ParentHash);
        Assert.Equal(((KvBlocksRemoved)events[2]).SequenceHashes, Assert.IsType<KvBlocksRemoved>(back[2]).SequenceHashes);
        Assert.Equal(events[3], back[3]);
    }

    [Fact]
    public void A_long_stored_event_splits_into_runs_that_chain_through_their_parents()
    {
        var blocks = Enumerable.Range(1, 10).Select(i => new KvBlockHash((ulong)i, (ulong)(100 + i))).ToList();
        var parts = KvEventMessage.Split(new KvBlocksStored(9, KvStorageTier.Device, 100, blocks), maxBlocks: 4).Select(m => (KvBlocksStored)m.ToEvent()).ToList();

        Assert.Equal([4, 4, 2], parts.Select(p => p.Blocks.Count));
        Assert.Equal(blocks, parts.SelectMany(p => p.Blocks));
        Assert.Equal([100UL, 104UL, 108UL], parts.Select(p => p.ParentHash!.Value));
        Assert.Single(KvEventMessage.Split(new KvBlocksRemoved(1, KvStorageTier.Device, [1, 2, 3, 4, 5]), maxBlocks: 2));
    }

    [Fact]
    public void A_frame_carries_tokens_finish_and_usage_and_a_malformed_one_is_a_format_error()
    {
        var frame = GenerateFrame.From(new EngineOutput([7, 8], FinishReason.Length, new EngineUsage(10, 2, 8)));
        var back = WireJson.Read<GenerateFrame>(WireJson.Write(frame)).ToOutput();
        Assert.Equal([7, 8], back.TokenIds);
        Assert.Equal(FinishReason.Length, back.FinishReason);
        Assert.Equal(new EngineUsage(10, 2, 8), back.Usage);
        Assert.Throws<FormatException>(() => WireJson.Read<GenerateFrame>("{\"tokens\": \"seven\"}"u8));
    }

    [Theory]
    [InlineData("Url", "http://127.0.0.1:4222", "must be a NATS URL")]
    [InlineData("LeaseTtlMs", "0", "positive number of milliseconds")]
    [InlineData("StreamIdleTimeoutMs", "1500", "more than twice 'KeepAliveIntervalMs'")]
    public void Bad_nats_settings_are_refused_with_the_setting_named(string key, string value, string message)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [$"Dynamo:Nats:{key}"] = value }).Build();
        var error = Assert.Throws<OptionsValidationException>(() => ConfiguredOptions.Nats(configuration));
        Assert.Contains(message, error.Message);
        Assert.Contains(key, error.Message);
    }

    [Fact]
    public async Task A_frontend_that_cannot_reach_nats_fails_at_startup_saying_so()
    {
        var config = DynamoServer.WriteConfig(new { Dynamo = new { Models = new[] { TestConfigs.Model("m", new { Name = "mocker" }) } } });
        try
        {
            var url = $"nats://127.0.0.1:{FreePort.Next()}";
            await using var app = Host.DynamoApplication.Build(["--config", config, "--urls", "http://127.0.0.1:0", "--distributed", "--nats", url, $"--Dynamo:PluginsPath={DynamoServer.PluginsPath}"]);
            var error = await Assert.ThrowsAsync<DynamoConfigurationException>(() => app.StartAsync());
            Assert.Contains($"Cannot reach NATS at {url}", error.Message);
        }
        finally
        {
            File.Delete(config);
        }
    }

    [Fact]
    public async Task A_worker_for_a_model_that_is_not_configured_exits_naming_the_models_that_are()
    {
        var config = DynamoServer.WriteConfig(new { Dynamo = new { Models = new[] { TestConfigs.Model("m", new { Name = "mocker" }) } } });
        await using var worker = ChildProcess.Dynamo(DynamoServer.HostAssembly, "worker", "--config", config, "--model", "nope");
        Assert.Equal(2, await worker.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("--model 'nope' is not configured; configured models: 'm'", worker.Output);
        File.Delete(config);
    }
}
