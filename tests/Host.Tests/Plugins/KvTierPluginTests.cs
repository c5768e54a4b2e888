using System.Net;
using System.Reflection;
using System.Text.Json;
using Dynamo.Testing;

namespace Dynamo.Host.Tests.Plugins;

/// <summary>
/// KV offload tiers chosen by name in the configuration, over HTTP on the real stories260K model:
/// the shipped host-memory and disk tiers, and a third party's tier dropped into a plugins folder.
/// Blocks pushed out of a deliberately tiny device cache come back from the tiers as cached tokens,
/// and greedy text is the same as with a cache big enough to never evict.
/// </summary>
public sealed class KvTierPluginTests : IDisposable
{
    private static readonly string SampleTier = DynamoServer.SampleKvTierPath;

    private readonly string _dir = Directory.CreateTempSubdirectory("dynamo-kv-tiers-").FullName;

    private static readonly string[] Stories =
    [
        "Once upon a time, there was a little girl named Lily. She loved to play outside in the sunshine with her dog and her red ball. One day, she saw a big tree in the park and wanted to climb it.",
        "Tom was a small boy who liked trucks. Every morning he took his blue truck to the garden and pushed it through the mud. His mom said he should wash it, but Tom liked it dirty and brown.",
        "The cat sat on the warm mat by the door. It watched the birds in the yard and waited for the sun to go down. When the moon came up, the cat went inside to sleep in its little bed.",
    ];

    private static object Model(int kvTokens, object[] tiers) => new
    {
        Dynamo = new
        {
            Models = new[]
            {
                new Dictionary<string, object>
                {
                    ["Name"] = "stories",
                    ["Path"] = DynamoServer.DefaultModel,
                    ["Engine"] = new { Name = "llama", KvCapacityTokens = kvTokens, MaxBatchSize = 1 },
                    ["Tokenizer"] = "gguf",
                    ["ChatTemplate"] = "last-user",
                    ["KvTiers"] = tiers,
                },
            },
        },
    };

    private static async Task<(string Text, int Cached)> Complete(DynamoServer server, string story)
    {
        using var response = await server.PostJsonAsync("/v1/chat/completions", JsonSerializer.Serialize(new
        {
            model = "stories",
            messages = new[] { new { role = "user", content = story } },
            max_tokens = 16,
            temperature = 0,
        }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (body.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!,
            body.RootElement.GetProperty("usage").GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
    }

    /// <summary>The first story's answer after the other two pushed it out of a 10-block device cache.</summary>
    private static async Task<(string Text, int Cached)> ComeBack(DynamoServer server)
    {
        await Complete(server, Stories[0]);
        await Complete(server, Stories[1]);
        await Complete(server, Stories[2]);
        await Task.Delay(500); // offload runs in the background
        return await Complete(server, Stories[0]);
    }

    private async Task<string> Reference()
    {
        await using var server = await DynamoServer.StartAsync(Model(65_536, []));
        return (await Complete(server, Stories[0])).Text;
    }

    [Fact]
    public async Task Without_tiers_the_tiny_device_cache_has_forgotten_the_first_story()
    {
        await using var server = await DynamoServer.StartAsync(Model(160, []));
        Assert.Equal(0, (await ComeBack(server)).Cached);
    }

    [Fact]
    public async Task Host_memory_then_disk_serve_evicted_blocks_back_with_the_same_greedy_text()
    {
        var reference = await Reference();
        await using var server = await DynamoServer.StartAsync(Model(160, [
            new { Name = "host-memory", CpuCacheGb = 0.0001 },       // ~100 KB: a few blocks, the rest spill to disk
            new { Name = "disk", Folder = _dir, DiskCacheGb = 0.01 },
        ]));
        var (text, cached) = await ComeBack(server);
        Assert.Equal(reference, text);
        Assert.True(cached >= 32, $"cached {cached}");
        Assert.NotEmpty(Directory.GetFiles(_dir, "*.kvb", SearchOption.AllDirectories));

        // Blocks went device → host → disk, and came back from disk (process-wide counters: only this class uses a disk tier).
        var metrics = await server.Client.GetStringAsync("/metrics");
        foreach (var name in new[] { "kvbm_offload_blocks_d2h", "kvbm_offload_blocks_h2disk", "kvbm_onboard_blocks_disk2d", "kvbm_matched_tokens", "kvbm_disk_cache_hit_rate" })
            Assert.True(Value(metrics, name) > 0, $"{name} is {Value(metrics, name)}");
    }

    private static double Value(string metrics, string name) => PrometheusText.Value(metrics, name);

    [Fact]
    public async Task A_third_party_tier_dropped_into_the_plugins_folder_serves_evicted_blocks()
    {
        var reference = await Reference();
        var plugins = Path.Combine(_dir, "plugins");
        foreach (var builtIn in new[] { "Dynamo.Backends.Llama", "Dynamo.Routers.Basic" })
            PluginFolder.Copy(Path.Combine(DynamoServer.PluginsPath, builtIn), Path.Combine(plugins, builtIn));
        Directory.CreateDirectory(Path.Combine(plugins, "Acme.CompressedKvTier"));
        File.Copy(Path.Combine(SampleTier, "Acme.CompressedKvTier.dll"), Path.Combine(plugins, "Acme.CompressedKvTier", "Acme.CompressedKvTier.dll"));

        await using var server = await DynamoServer.StartAsync(Model(160, [new { Name = "acme-compressed", MaxBlocks = 64 }]), plugins);
        var (text, cached) = await ComeBack(server);
        Assert.Equal(reference, text);
        Assert.True(cached >= 32, $"cached {cached}");
    }

    [Fact]
    public async Task An_unknown_tier_name_stops_startup_naming_the_tiers_there_are()
    {
        var error = await Assert.ThrowsAsync<Dynamo.Runtime.Configuration.DynamoConfigurationException>(() => DynamoServer.StartAsync(Model(160, [new { Name = "redis" }])));
        Assert.Contains("KvOffloadTier 'redis'", error.Message);
        Assert.Contains("'host-memory'", error.Message);
        Assert.Contains("'disk'", error.Message);
    }


    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
