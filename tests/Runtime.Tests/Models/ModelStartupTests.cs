using System.Collections.Concurrent;
using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.KvCache;
using Dynamo.Abstractions.Plugins;
using Dynamo.Runtime.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Dynamo.Runtime.Tests.Models;

/// <summary>Models start with the host and stop with it; a model that fails part-way leaves nothing running behind.</summary>
public sealed class ModelStartupTests
{
    /// <summary>Which probe components were disposed, by worker id (engines) or "tier:" worker id.</summary>
    private static readonly ConcurrentBag<string> Disposed = [];

    /// <summary>An engine that cannot start as its model's second replica (say, the GPU ran out of memory).</summary>
    internal sealed class ProbeEngineFactory : IComponentFactory<IEngine>
    {
        public string Name => "probe";

        public IEngine Create(ComponentContext context) => context.WorkerId!.EndsWith("/1", StringComparison.Ordinal)
            ? throw new InvalidOperationException("out of device memory")
            : new ProbeEngine(context.WorkerId, context.KvTiers);
    }

    internal sealed class ProbeTierFactory : IComponentFactory<IKvOffloadTier>
    {
        public string Name => "probe-tier";

        public IKvOffloadTier Create(ComponentContext context) => new ProbeTier(context.WorkerId!);
    }

    /// <summary>Owns its tiers, as engines do.</summary>
    private sealed class ProbeEngine(string workerId, IReadOnlyList<IKvOffloadTier> tiers) : IEngine
    {
        public EngineDescriptor Descriptor { get; } = new(16, 64, 1024, 4);

        public EngineLoad Load => default;

        public event Action<KvCacheEvent>? KvEventPublished { add { } remove { } }

        public IAsyncEnumerable<EngineOutput> GenerateAsync(EngineRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();

        public async ValueTask DisposeAsync()
        {
            Disposed.Add(workerId);
            foreach (var tier in tiers)
                await tier.DisposeAsync();
        }
    }

    private sealed class ProbeTier(string workerId) : IKvOffloadTier
    {
        public KvStorageTier Tier => KvStorageTier.HostMemory;

        public event Action<KvCacheEvent>? KvEventPublished { add { } remove { } }

        public bool Contains(ulong sequenceHash) => false;

        public ValueTask<IReadOnlyList<KvBlockPayload>> OfferAsync(KvBlockPayload block, CancellationToken cancellationToken) => ValueTask.FromResult<IReadOnlyList<KvBlockPayload>>([]);

        public ValueTask<KvBlockPayload?> TryFetchAsync(ulong sequenceHash, CancellationToken cancellationToken) => ValueTask.FromResult<KvBlockPayload?>(null);

        public ValueTask DisposeAsync()
        {
            Disposed.Add("tier:" + workerId);
            return ValueTask.CompletedTask;
        }
    }

    private static object Probe(string name, bool optional) => new
    {
        Name = name,
        Engine = "probe",
        Replicas = 2,
        Optional = optional,
        KvTiers = new[] { "probe-tier" },
    };

    [Fact]
    public async Task An_optional_model_that_fails_part_way_disposes_the_engines_and_tiers_it_started_and_the_rest_serve()
    {
        using var host = RuntimeHost.Build(new { Models = new object[] { Probe("half", optional: true), new { Name = "echo", Engine = "echo" } } },
            typeof(ProbeEngineFactory).Assembly);
        await host.StartAsync();

        Assert.Contains("half/0", Disposed);        // the first replica's engine, which had started
        Assert.Contains("tier:half/0", Disposed);   // and its tier (owned by that engine)
        Assert.Contains("tier:half/1", Disposed);   // the second replica's tier, made before its engine failed
        var runtime = host.Services.GetRequiredService<DynamoRuntime>();
        Assert.Equal(["echo"], runtime.Models.Select(m => m.Name));
        await host.StopAsync();
    }

    [Fact]
    public async Task A_required_model_that_fails_stops_the_start_and_disposes_what_had_started()
    {
        using var host = RuntimeHost.Build(new { Models = new object[] { new { Name = "first", Engine = "probe" }, Probe("whole", optional: false) } },
            typeof(ProbeEngineFactory).Assembly);

        var error = await Assert.ThrowsAsync<DynamoConfigurationException>(() => host.StartAsync());

        Assert.Contains("Model 'whole': the Engine 'probe'", error.Message);
        Assert.Contains("out of device memory", error.Message);
        Assert.Contains("whole/0", Disposed);
        Assert.Contains("first/0", Disposed);       // an earlier model that had started is stopped too
    }

    [Theory]
    [InlineData("""{"Models":[{"Name":"a","Engine":"echo","Replicas":0}]}""", "'Replicas' must be at least 1")]
    [InlineData("""{"Models":[]}""", "No models are configured")]
    [InlineData("""{"Models":[{"Name":"a","Engine":"echo"},{"Name":"a","Engine":"echo"}]}""", "configured more than once")]
    [InlineData("""{"MaxRequestBodyBytes":0,"Models":[{"Name":"a","Engine":"echo"}]}""", "must be positive")]
    public async Task Bad_options_stop_the_start_naming_the_key(string dynamo, string message)
    {
        using var host = RuntimeHost.Build(System.Text.Json.JsonDocument.Parse(dynamo).RootElement);
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public async Task A_value_that_does_not_convert_is_a_configuration_error_naming_it()
    {
        using var host = RuntimeHost.Build(System.Text.Json.JsonDocument.Parse("""{"Models":[{"Name":"a","Engine":"echo","Replicas":"many"}]}""").RootElement);
        var error = await Assert.ThrowsAsync<DynamoConfigurationException>(() => host.StartAsync());
        Assert.Contains("Replicas", error.Message);
    }
}
