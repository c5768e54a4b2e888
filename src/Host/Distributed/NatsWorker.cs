using System.Collections.Concurrent;
using System.Threading.Channels;
using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.KvCache;
using NATS.Client.Core;
using NATS.Client.KeyValueStore;

namespace Dynamo.Host.Distributed;

/// <summary>
/// <c>dynamo worker</c>'s runtime: serves one engine over NATS. It registers in the registry
/// bucket and renews the lease, answers generate requests with a stream of frames, stops work
/// whose client went away, and publishes KV events and load for the frontends' routers.
/// </summary>
internal sealed class NatsWorker(string model, string workerId, IEngine engine, NatsConnection nats, NatsOptions options, TimeProvider clock, ILogger logger)
{
    private readonly ConcurrentDictionary<string, (CancellationTokenSource Cancel, string ReplyTo)> _active = new(StringComparer.Ordinal);
    private readonly Channel<KvCacheEvent> _events = Channel.CreateUnbounded<KvCacheEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<Task, byte> _handlers = new();

    public async Task RunAsync(CancellationToken stopping)
    {
        engine.KvEventPublished += e => _events.Writer.TryWrite(e);
        var registry = await NatsConnector.RegistryAsync(nats, options, stopping);
        var registration = WireJson.Write(WorkerRegistration.Of(model, workerId, engine.Descriptor));
        // Subscribe before registering, so no frontend routes to a worker that is not listening yet.
        var generate = await nats.SubscribeCoreAsync<byte[]>(NatsSubjects.Generate(workerId), cancellationToken: stopping);
        var cancels = await nats.SubscribeCoreAsync<string>(NatsSubjects.Cancel(workerId), cancellationToken: stopping);
        await registry.PutAsync(workerId, registration, cancellationToken: stopping);
        logger.LogInformation("Worker {WorkerId} serving {Model} on NATS {Url} (lease {Ttl} s)", workerId, model, options.Url, options.LeaseTtl.TotalSeconds);
        try
        {
            await Task.WhenAll(
                ServeAsync(generate, stopping),
                CancelAsync(cancels, stopping),
                RenewLeaseAsync(registry, registration, stopping),
                PublishKvEventsAsync(stopping),
                PublishLoadAsync(stopping),
                KeepAliveAsync(stopping));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        finally
        {
            // Leave the registry first, so frontends stop routing here, then tell open streams to move.
            await registry.DeleteAsync(workerId, cancellationToken: CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(2)).ContinueWith(_ => { });
            await Task.WhenAll(_handlers.Keys).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { });
            await generate.DisposeAsync();
            await cancels.DisposeAsync();
            logger.LogInformation("Worker {WorkerId} left the registry", workerId);
        }
    }

    private async Task ServeAsync(INatsSub<byte[]> requests, CancellationToken stopping)
    {
        await foreach (var message in requests.Msgs.ReadAllAsync(stopping))
        {
            if (message.ReplyTo is not { } replyTo)
                continue;
            var handler = HandleAsync(message.Data ?? [], replyTo, stopping);
            _handlers[handler] = 0;
            _ = handler.ContinueWith(t => _handlers.TryRemove(t, out _), TaskScheduler.Default);
        }
    }

    private async Task HandleAsync(byte[] body, string replyTo, CancellationToken stopping)
    {
        EngineRequest request;
        try
        {
            request = WireJson.Read<EngineRequest>(body);
        }
        catch (FormatException ex)
        {
            await ReplyAsync(replyTo, new GenerateFrame(Error: ex.Message, ClientError: true));
            return;
        }
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        _active[request.RequestId] = (cancel, replyTo);
        try
        {
            await foreach (var output in engine.GenerateAsync(request, cancel.Token))
                await ReplyAsync(replyTo, GenerateFrame.From(output));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            await ReplyAsync(replyTo, new GenerateFrame(Error: $"Worker {workerId} is shutting down.", Gone: true));
        }
        catch (OperationCanceledException)
        {
            // The frontend cancelled it: its client is gone, nobody reads a reply.
        }
        catch (EngineException ex)
        {
            await ReplyAsync(replyTo, new GenerateFrame(Error: ex.Message, ClientError: ex.IsClientError));
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Request {RequestId} failed on worker {WorkerId}", request.RequestId, workerId);
            await ReplyAsync(replyTo, new GenerateFrame(Error: ex.Message));
        }
        finally
        {
            _active.TryRemove(request.RequestId, out _);
        }
    }

    private ValueTask ReplyAsync(string replyTo, GenerateFrame frame) =>
        nats.PublishAsync(replyTo, WireJson.Write(frame), cancellationToken: CancellationToken.None);

    private async Task CancelAsync(INatsSub<string> cancels, CancellationToken stopping)
    {
        await foreach (var message in cancels.Msgs.ReadAllAsync(stopping))
            if (message.Data is { } requestId && _active.TryGetValue(requestId, out var active))
                await active.Cancel.CancelAsync();
    }

    private async Task RenewLeaseAsync(INatsKVStore registry, byte[] registration, CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(options.LeaseTtl / 3, clock);
        while (await timer.WaitForNextTickAsync(stopping))
        {
            try
            {
                await registry.PutAsync(workerId, registration, cancellationToken: stopping);
            }
            catch (Exception ex) when (ex is NatsException)
            {
                // A missed renewal is retried on the next tick; the lease outlives two of them.
                logger.LogWarning("Worker {WorkerId} could not renew its lease: {Error}", workerId, ex.Message);
            }
        }
    }

    private async Task PublishKvEventsAsync(CancellationToken stopping)
    {
        var batch = new List<KvEventMessage>();
        while (await _events.Reader.WaitToReadAsync(stopping))
        {
            while (batch.Count < 1024 && _events.Reader.TryRead(out var e))
                batch.Add(KvEventMessage.From(e));
            await nats.PublishAsync(NatsSubjects.KvEvents(workerId), WireJson.Write(batch), cancellationToken: stopping);
            batch.Clear();
        }
    }

    private async Task PublishLoadAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(options.LoadInterval, clock);
        EngineLoad? last = null;
        var quiet = 0;
        while (await timer.WaitForNextTickAsync(stopping))
        {
            var load = engine.Load;
            // On change, and now and then regardless, so a frontend that starts later learns it.
            if (load == last && ++quiet < 10)
                continue;
            (last, quiet) = (load, 0);
            await nats.PublishAsync(NatsSubjects.Load(workerId), WireJson.Write(load), cancellationToken: stopping);
        }
    }

    private async Task KeepAliveAsync(CancellationToken stopping)
    {
        var alive = WireJson.Write(GenerateFrame.Alive);
        using var timer = new PeriodicTimer(options.KeepAliveInterval, clock);
        while (await timer.WaitForNextTickAsync(stopping))
            foreach (var (_, replyTo) in _active.Values)
                await nats.PublishAsync(replyTo, alive, cancellationToken: stopping);
    }
}
