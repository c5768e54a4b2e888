using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Threading.Channels;
using Dynamo.Planner.Connectors.Virtual;
using Dynamo.Planner.Inputs;
using Dynamo.Planner.Policy;
using Dynamo.Planner.Predictors;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Dynamo.Planner.Tests;

/// <summary>
/// The planner as <c>dynamo planner</c> runs it (options, plugins chosen by name, the loop, its meter), on a fake
/// clock, with the frontend's metrics and the workers' load from fakes instead of HTTP and NATS.
/// </summary>
internal sealed class PlannerHost : IAsyncDisposable
{
    private readonly Channel<PlannerDecision> _decisions = Channel.CreateUnbounded<PlannerDecision>();
    private readonly string _folder;
    private bool _started;

    private PlannerHost(IHost host, FakeTimeProvider clock, FakeFrontend frontend, FakeWorkers workers, string folder)
    {
        (Host, Clock, Frontend, Workers, _folder) = (host, clock, frontend, workers, folder);
    }

    public IHost Host { get; }

    public FakeTimeProvider Clock { get; }

    public FakeFrontend Frontend { get; }

    public FakeWorkers Workers { get; }

    public VirtualConnector Connector => (VirtualConnector)Host.Services.GetRequiredService<PlannerComponents>().Connector;

    /// <summary>A planner every 10 s, cooldown 30 s, on the linear profile, sizing one aggregated pool of 1 to 8.</summary>
    public static Dictionary<string, string?> Defaults() => new()
    {
        ["Dynamo:Planner:AdjustmentIntervalSeconds"] = "10",
        ["Dynamo:Planner:ScaleDownCooldownSeconds"] = "30",
        ["Dynamo:Planner:TtftTargetMs"] = $"{TestProfiles.TtftTargetMs}",
        ["Dynamo:Planner:ItlTargetMs"] = $"{TestProfiles.ItlTargetMs}",
        ["Dynamo:Planner:MetricsUrl"] = "http://127.0.0.1:1/metrics",
        ["Dynamo:Planner:Predictor"] = "constant",
        ["Dynamo:Planner:Pools:aggregated:MinReplicas"] = "1",
        ["Dynamo:Planner:Pools:aggregated:MaxReplicas"] = "8",
    };

    /// <summary>Builds the host; <see cref="StartAsync"/> starts it.</summary>
    public static PlannerHost Create(Dictionary<string, string?>? settings = null)
    {
        var folder = Directory.CreateTempSubdirectory("dynamo-planner-").FullName;
        var profile = Path.Combine(folder, "profile.json");
        File.WriteAllText(profile, JsonSerializer.Serialize(TestProfiles.Linear(), new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));
        var configuration = Defaults();
        configuration["Dynamo:Planner:ProfilePath"] = profile;
        configuration["Dynamo:PluginsPath"] = Path.Combine(folder, "no-plugins");
        foreach (var (key, value) in settings ?? [])
            configuration[key] = value;

        var clock = new FakeTimeProvider(Policy.PolicyRun.Start);
        var frontend = new FakeFrontend(clock);
        var workers = new FakeWorkers();
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = folder });
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Services.AddLogging();
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddSingleton<IFrontendMetricsSource>(frontend);
        builder.Services.AddSingleton<IWorkerLoadSource>(workers);
        builder.Services.AddDynamoPlanner(builder.Configuration,
            typeof(ConstantPredictorFactory).Assembly, typeof(VirtualConnectorFactory).Assembly, typeof(PlannerHost).Assembly);
        return new PlannerHost(builder.Build(), clock, frontend, workers, folder);
    }

    public async Task StartAsync()
    {
        await Host.StartAsync();
        _started = true;
        var service = Host.Services.GetRequiredService<PlannerService>();
        service.Decided += d => _decisions.Writer.TryWrite(d);
        // The clock moves only once the loop waits on it.
        await service.Looping.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Moves the clock a second at a time, each once the planner has handled the last, until it decides.</summary>
    public async Task<PlannerDecision> NextDecisionAsync()
    {
        var service = Host.Services.GetRequiredService<PlannerService>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        PlannerDecision? decision;
        while (!_decisions.Reader.TryRead(out decision))
        {
            var ticks = service.Ticks;
            Clock.Advance(TimeSpan.FromSeconds(1));
            while (service.Ticks == ticks)
            {
                if (DateTime.UtcNow > deadline)
                    throw new TimeoutException($"No decision by {Clock.GetUtcNow():T} (fake time).");
                await Task.Delay(2);
            }
        }
        return decision;
    }

    /// <summary>What the meter <c>Dynamo.Planner</c> of this host reports now: (instrument, pool) → value.</summary>
    public Dictionary<(string Name, string? Pool), double> Metrics()
    {
        var meters = Host.Services.GetRequiredService<IMeterFactory>();
        var values = new Dictionary<(string, string?), double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == PlannerMetrics.MeterName && instrument.Meter.Scope == meters)
                l.EnableMeasurementEvents(instrument);
        };
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string? pool = null;
            foreach (var tag in tags)
                if (tag.Key == "pool")
                    pool = (string?)tag.Value;
            values[(instrument.Name, pool)] = value;
        }
        listener.SetMeasurementEventCallback<int>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        listener.Start();
        listener.RecordObservableInstruments();
        return values;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_started)
                await Host.StopAsync();
        }
        finally
        {
            Host.Dispose();
            Directory.Delete(_folder, recursive: true);
        }
    }
}

/// <summary>A frontend whose counters grow at <see cref="Rate"/> requests a second of the given lengths, on the fake clock.</summary>
internal sealed class FakeFrontend(TimeProvider clock) : IFrontendMetricsSource
{
    private readonly Lock _lock = new();
    private DateTimeOffset _last = clock.GetUtcNow();
    private double _requests, _input, _output;

    public double Rate { get; set; }

    public double InputTokens { get; set; } = 1000;

    public double OutputTokens { get; set; } = 200;

    public bool Failing { get; set; }

    public string Description => "a fake frontend";

    public Task<FrontendSample> SampleAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var now = clock.GetUtcNow();
            var finished = Rate * (now - _last).TotalSeconds;
            (_requests, _input, _output, _last) = (_requests + finished, _input + finished * InputTokens, _output + finished * OutputTokens, now);
            if (Failing)
                throw new HttpRequestException("connection refused (fake)");
            return Task.FromResult(new FrontendSample(_requests, HistogramSample.Empty, HistogramSample.Empty,
                new HistogramSample([], _input, _requests), new HistogramSample([], _output, _requests), QueuedRequests: 0, InflightRequests: 0));
        }
    }
}

internal sealed class FakeWorkers : IWorkerLoadSource
{
    public IReadOnlyList<WorkerLoadSample> Workers { get; set; } = [];

    public IReadOnlyList<WorkerLoadSample> Snapshot() => Workers;
}
