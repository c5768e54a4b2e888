using System.Collections.Concurrent;
using Dynamo.Abstractions.Engines;
using Dynamo.Runtime.Workers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using NATS.Client.KeyValueStore;

namespace Dynamo.Distributed;

/// <summary>
/// The frontend's view of the workers: it watches the registry bucket (a put adds or renews a
/// worker, a delete removes it), drops a worker whose lease has not been renewed for
/// <see cref="NatsOptions.LeaseTtl"/>, and hands each worker's KV events and load to its model.
/// It runs while the host runs: connected at start (a NATS it cannot reach stops the start), closed at stop.
/// </summary>
internal sealed class WorkerDiscovery(IOptions<NatsOptions> natsOptions, TimeProvider clock, ILogger<WorkerDiscovery> logger) : IWorkerSetSource, IHostedService, IAsyncDisposable
{
    private readonly NatsOptions options = natsOptions.Value;
    private readonly ConcurrentDictionary<string, NatsWorkerSet> _models = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RemoteWorker> _workers = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private NatsConnection? _nats;
    private Task _loops = Task.CompletedTask;

    public string Description => $"workers registered on NATS {options.Url}";

    /// <summary>The workers of <paramref name="model"/>; empty until one registers.</summary>
    public IWorkerSet For(string model) => Set(model);

    // Names this frontend on the router sync subject, so it skips its own changes.
    private readonly string _frontend = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}";

    private NatsWorkerSet Set(string model) => _models.GetOrAdd(model, m =>
        new NatsWorkerSet(options.RouterReplicaSync ? new NatsRouterReplicas(m, _frontend, () => _nats) : null));

    /// <exception cref="Runtime.Configuration.DynamoConfigurationException">NATS cannot be reached or has no JetStream.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _nats = await NatsConnector.ConnectAsync(options, $"dynamo-frontend-{Environment.ProcessId}");
        var registry = await NatsConnector.RegistryAsync(_nats, options, _stop.Token);
        var kvEvents = await _nats.SubscribeCoreAsync<byte[]>(NatsSubjects.AllKvEvents, cancellationToken: _stop.Token);
        var loads = await _nats.SubscribeCoreAsync<byte[]>(NatsSubjects.AllLoad, cancellationToken: _stop.Token);
        var routerLoads = options.RouterReplicaSync ? await _nats.SubscribeCoreAsync<byte[]>(NatsSubjects.AllRouterLoad, cancellationToken: _stop.Token) : null;
        _loops = Task.WhenAll(
            routerLoads is null ? Task.CompletedTask : Loop(() => ReadRouterLoadsAsync(routerLoads, _stop.Token)),
            Loop(() => WatchAsync(registry, _nats, _stop.Token)),
            Loop(() => ExpireAsync(_stop.Token)),
            Loop(() => ReadAsync(kvEvents, OnKvEvents, _stop.Token)),
            Loop(() => ReadAsync(loads, (worker, data) => worker.Load = WireJson.Read<EngineLoad>(data), _stop.Token)));
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
            logger.LogError(ex, "Worker discovery stopped");
        }
    }

    private async Task WatchAsync(INatsKVStore registry, NatsConnection nats, CancellationToken stop)
    {
        await foreach (var entry in registry.WatchAsync<byte[]>(cancellationToken: stop))
        {
            if (entry.Operation != NatsKVOperation.Put)
            {
                // A worker that deregisters is draining: it finishes its open streams or tells each to move, so they go on.
                Remove(entry.Key, "it deregistered", streamsLost: false);
                continue;
            }
            if (_workers.TryGetValue(entry.Key, out var known))
            {
                known.LastRenewed = clock.GetTimestamp();
                continue;
            }
            WorkerRegistration registration;
            try
            {
                registration = WireJson.Read<WorkerRegistration>(entry.Value ?? []);
            }
            catch (FormatException ex)
            {
                logger.LogWarning("Ignoring registry entry {Key}: {Error}", entry.Key, ex.Message);
                continue;
            }
            var worker = new RemoteWorker(registration, nats, options, clock);
            _workers[entry.Key] = worker;
            Set(registration.Model).Add(worker);
            logger.LogInformation("Worker {WorkerId} joined model {Model}", worker.WorkerId, worker.Model);
            _ = LearnCacheAsync(worker, nats, stop);
        }
    }

    private async Task ExpireAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(options.LeaseTtl / 4, clock);
        while (await timer.WaitForNextTickAsync(stop))
            foreach (var worker in _workers.Values.Where(w => clock.GetElapsedTime(w.LastRenewed) > options.LeaseTtl))
                Remove(worker.WorkerId, "its lease expired", streamsLost: true);
    }

    /// <param name="streamsLost">Whether its open streams end now (a worker that stopped renewing is hung or gone).</param>
    private void Remove(string workerId, string reason, bool streamsLost)
    {
        if (!_workers.TryRemove(workerId, out var worker))
            return;
        if (streamsLost)
            worker.MarkLost();
        Set(worker.Model).Remove(worker);
        logger.LogWarning("Worker {WorkerId} left model {Model}: {Reason}", workerId, worker.Model, reason);
    }

    /// <summary>
    /// Asks a worker just met what its KV tiers hold, so this frontend routes as well as one that saw
    /// every event (a restart, a new replica). Events that arrive meanwhile apply as usual.
    /// </summary>
    private async Task LearnCacheAsync(RemoteWorker worker, NatsConnection nats, CancellationToken stop)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            var blocks = 0;
            await foreach (var reply in nats.RequestManyAsync<byte[], byte[]>(NatsSubjects.KvSnapshot(worker.WorkerId), [], cancellationToken: timeout.Token))
            {
                var messages = WireJson.Read<KvEventMessage[]>(reply.Data ?? []);
                if (messages.Length == 0)
                    break;
                foreach (var message in messages)
                {
                    var kvEvent = message.ToEvent();
                    blocks += kvEvent is Abstractions.KvCache.KvBlocksStored stored ? stored.Blocks.Count : 0;
                    Set(worker.Model).Publish(worker.WorkerId, kvEvent);
                }
            }
            logger.LogInformation("Learned {Blocks} cached KV blocks of worker {WorkerId}", blocks, worker.WorkerId);
        }
        catch (Exception ex) when (ex is OperationCanceledException or NatsException or FormatException)
        {
            // An older worker, or one gone already: its events still come.
            logger.LogDebug("No KV snapshot from worker {WorkerId}: {Error}", worker.WorkerId, ex.Message);
        }
    }

    private void OnKvEvents(RemoteWorker worker, byte[] data)
    {
        var set = Set(worker.Model);
        foreach (var message in WireJson.Read<KvEventMessage[]>(data))
            set.Publish(worker.WorkerId, message.ToEvent());
    }

    private async Task ReadRouterLoadsAsync(INatsSub<byte[]> subscription, CancellationToken stop)
    {
        await using var _ = subscription;
        await foreach (var message in subscription.Msgs.ReadAllAsync(stop))
        {
            try
            {
                var load = WireJson.Read<RouterLoadMessage>(message.Data ?? []);
                if (_models.TryGetValue(load.Model, out var set))
                    set.Replicas?.Deliver(load);
            }
            catch (FormatException ex)
            {
                logger.LogWarning("Ignoring a router load message: {Error}", ex.Message);
            }
        }
    }

    private async Task ReadAsync(INatsSub<byte[]> subscription, Action<RemoteWorker, byte[]> apply, CancellationToken stop)
    {
        await using var _ = subscription;
        await foreach (var message in subscription.Msgs.ReadAllAsync(stop))
        {
            // Messages of a worker not (or no longer) registered are dropped: nothing routes to it.
            if (!_workers.TryGetValue(NatsSubjects.WorkerIdOf(message.Subject), out var worker))
                continue;
            try
            {
                apply(worker, message.Data ?? []);
            }
            catch (FormatException ex)
            {
                logger.LogWarning("Ignoring a message from worker {WorkerId} on {Subject}: {Error}", worker.WorkerId, message.Subject, ex.Message);
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
}
