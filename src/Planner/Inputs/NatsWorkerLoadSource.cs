using System.Collections.Concurrent;
using Dynamo.Abstractions.Engines;
using Dynamo.Distributed;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using NATS.Client.KeyValueStore;

namespace Dynamo.Planner.Inputs;

/// <summary>
/// The workers as a frontend sees them, without routing anything: the registry bucket says who is there and in
/// which role (a worker whose lease lapses is dropped), <c>dynamo.worker.*.load</c> what each is doing.
/// A NATS it cannot reach stops the start in the load modes; the throughput mode runs on without it.
/// </summary>
internal sealed class NatsWorkerLoadSource(IOptions<NatsOptions> natsOptions, IOptions<PlannerOptions> plannerOptions, TimeProvider clock, ILogger<NatsWorkerLoadSource> logger)
    : IWorkerLoadSource, IHostedService, IAsyncDisposable
{
    private readonly NatsOptions _options = natsOptions.Value;
    private readonly ConcurrentDictionary<string, Entry> _workers = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private NatsConnection? _nats;
    private Task _loops = Task.CompletedTask;

    public IReadOnlyList<WorkerLoadSample> Snapshot()
    {
        // A worker that stopped renewing its lease is gone, as a frontend would decide.
        foreach (var (id, expired) in _workers.Where(w => clock.GetElapsedTime(w.Value.Renewed) > _options.LeaseTtl))
            _workers.TryRemove(KeyValuePair.Create(id, expired));
        return [.. _workers.Values.Select(e => new WorkerLoadSample(
            e.Registration.WorkerId, e.Registration.Model, PlannerPools.Of(e.Registration.Role), e.Registration.KvCapacityBlocks, e.Load))];
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            _nats = await NatsConnector.ConnectAsync(_options, $"dynamo-planner-{Environment.ProcessId}");
            var registry = await NatsConnector.RegistryAsync(_nats, _options, _stop.Token);
            var loads = await _nats.SubscribeCoreAsync<byte[]>(NatsSubjects.AllLoad, cancellationToken: _stop.Token);
            _loops = Task.WhenAll(Loop(() => WatchAsync(registry, _stop.Token)), Loop(() => ReadLoadsAsync(loads, _stop.Token)));
        }
        catch (Runtime.Configuration.DynamoConfigurationException ex) when (plannerOptions.Value.Mode == PlannerMode.Throughput)
        {
            logger.LogWarning("The planner runs without the workers' load: {Reason}", ex.Message);
            if (_nats is not null)
                await _nats.DisposeAsync();
            _nats = null;
        }
    }

    private async Task Loop(Func<Task> body)
    {
        try
        {
            await body();
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "The planner stopped following the workers");
        }
    }

    private async Task WatchAsync(INatsKVStore registry, CancellationToken stop)
    {
        await foreach (var entry in registry.WatchAsync<byte[]>(cancellationToken: stop))
        {
            if (entry.Operation != NatsKVOperation.Put)
            {
                _workers.TryRemove(entry.Key, out _);
                continue;
            }
            try
            {
                var registration = WireJson.Read<WorkerRegistration>(entry.Value ?? []);
                _workers.AddOrUpdate(entry.Key, _ => new Entry(registration) { Renewed = clock.GetTimestamp() }, (_, known) =>
                {
                    known.Renewed = clock.GetTimestamp();
                    return known;
                });
            }
            catch (FormatException ex)
            {
                logger.LogWarning("Ignoring registry entry {Key}: {Error}", entry.Key, ex.Message);
            }
        }
    }

    private async Task ReadLoadsAsync(INatsSub<byte[]> subscription, CancellationToken stop)
    {
        await using var _ = subscription;
        await foreach (var message in subscription.Msgs.ReadAllAsync(stop))
        {
            // A worker not (or no longer) registered has no pool to count in.
            if (!_workers.TryGetValue(NatsSubjects.WorkerIdOf(message.Subject), out var worker))
                continue;
            try
            {
                worker.Load = WireJson.Read<EngineLoad>(message.Data ?? []);
            }
            catch (FormatException ex)
            {
                logger.LogWarning("Ignoring a load message on {Subject}: {Error}", message.Subject, ex.Message);
            }
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stop.IsCancellationRequested)
            return;
        await _stop.CancelAsync();
        await _loops;
        if (_nats is not null)
            await _nats.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        _stop.Dispose();
    }

    private sealed class Entry(WorkerRegistration registration)
    {
        private readonly Lock _lock = new();
        private EngineLoad _load;

        public WorkerRegistration Registration { get; } = registration;

        public long Renewed
        {
            get => Interlocked.Read(ref field);
            set => Interlocked.Exchange(ref field, value);
        }

        // Written by the subscription, read by the planner's samples: never torn.
        public EngineLoad Load
        {
            get
            {
                lock (_lock)
                    return _load;
            }
            set
            {
                lock (_lock)
                    _load = value;
            }
        }
    }
}
