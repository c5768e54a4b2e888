using System.Collections.Concurrent;
using System.Threading.Channels;
using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.KvCache;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.KeyValueStore;

namespace Dynamo.Distributed;

/// <summary>
/// <c>dynamo worker</c>'s runtime: serves one engine over NATS. It registers in the registry
/// bucket and renews the lease, answers generate requests with a stream of frames, stops work
/// whose client went away, and publishes KV events and load for the frontends' routers.
/// </summary>
/// <param name="kv">The KV data plane, for disaggregated prefill and decode; null when this worker takes no part in it.</param>
internal sealed class NatsWorker(string model, string workerId, IEngine engine, NatsConnection nats, NatsOptions options, TimeProvider clock, ILogger logger,
    Runtime.Workers.WorkerRole role = Runtime.Workers.WorkerRole.Both, IKvTransfer? kv = null)
{
    private readonly ConcurrentDictionary<string, (CancellationTokenSource Cancel, string ReplyTo)> _active = new(StringComparer.Ordinal);
    private readonly Channel<KvCacheEvent> _events = Channel.CreateUnbounded<KvCacheEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<Task, byte> _handlers = new();
    private readonly KvCacheMirror _cache = new();

    /// <returns>False when one of its loops failed and the worker stopped because of it.</returns>
    public async Task<bool> RunAsync(CancellationToken stopping)
    {
        engine.KvEventPublished += e =>
        {
            _cache.Apply(e);
            _events.Writer.TryWrite(e);
        };
        var registry = await NatsConnector.RegistryAsync(nats, options, stopping);
        var registration = WireJson.Write(WorkerRegistration.Of(model, workerId, engine.Descriptor, role));
        // Subscribe before registering, so no frontend routes to a worker that is not listening yet.
        var generate = await nats.SubscribeCoreAsync<byte[]>(NatsSubjects.Generate(workerId), cancellationToken: stopping);
        var cancels = await nats.SubscribeCoreAsync<string>(NatsSubjects.Cancel(workerId), cancellationToken: stopping);
        var snapshots = await nats.SubscribeCoreAsync<byte[]>(NatsSubjects.KvSnapshot(workerId), cancellationToken: stopping);
        await registry.PutAsync(workerId, registration, cancellationToken: stopping);
        logger.LogInformation("Worker {WorkerId} serving {Model} on NATS {Url} (lease {Ttl} s)", workerId, model, options.Url, options.LeaseTtl.TotalSeconds);
        // A worker that cannot do one of its jobs (say, publish KV events) stops, so it is replaced rather than routed to blind.
        // A stop is a drain (DrainAsync) that cancels this only once the requests in flight are done: until then the worker
        // keeps their streams alive, takes their cancellations and publishes its load; it only stops taking new work.
        using var failed = new CancellationTokenSource();
        using var serving = CancellationTokenSource.CreateLinkedTokenSource(stopping, failed.Token);
        var healthy = true;
        // An engine that failed takes no more work: leave the registry so frontends route elsewhere.
        void OnFaulted(Exception ex)
        {
            healthy = false;
            logger.LogCritical(ex, "Worker {WorkerId} stops: its engine failed", workerId);
            failed.Cancel();
        }
        engine.Faulted += OnFaulted;
        async Task Run(string job, Func<CancellationToken, Task> loop, CancellationToken until)
        {
            try
            {
                await loop(until);
            }
            catch (OperationCanceledException) when (until.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                healthy = false;
                logger.LogCritical(ex, "Worker {WorkerId} stops: {Job} failed", workerId, job);
                await failed.CancelAsync();
            }
        }
        try
        {
            await Task.WhenAll(
                Run("serving requests", t => ServeAsync(generate, failed.Token, t), serving.Token),
                Run("taking cancellations", t => CancelAsync(cancels, t), failed.Token),
                Run("answering KV snapshots", t => AnswerSnapshotsAsync(snapshots, t), failed.Token),
                Run("renewing the lease", t => RenewLeaseAsync(registry, registration, t), serving.Token),
                Run("publishing KV events", PublishKvEventsAsync, failed.Token),
                Run("publishing load", PublishLoadAsync, failed.Token),
                Run("sending keep-alives", KeepAliveAsync, failed.Token),
                DrainAsync(registry, serving.Token, failed));
        }
        finally
        {
            engine.Faulted -= OnFaulted;
            // Leave the registry first (if the drain did not), so frontends stop routing here, then tell open streams to move.
            await LeaveAsync(registry);
            await Task.WhenAll(_handlers.Keys).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { });
            await generate.DisposeAsync();
            await cancels.DisposeAsync();
            await snapshots.DisposeAsync();
            logger.LogInformation("Worker {WorkerId} left the registry", workerId);
        }
        return healthy;
    }

    /// <summary>
    /// Once the worker stops serving (a stop, or a failure): on a stop, it leaves the registry so no new work is routed
    /// here and gives its requests in flight up to the drain timeout to finish; then it stops the rest of the worker, and
    /// the requests still open are told to migrate.
    /// </summary>
    private async Task DrainAsync(INatsKVStore registry, CancellationToken serving, CancellationTokenSource failed)
    {
        await Task.Delay(Timeout.Infinite, serving).ContinueWith(_ => { }, TaskScheduler.Default);
        if (!failed.IsCancellationRequested && !_handlers.IsEmpty && options.DrainTimeout > TimeSpan.Zero)
        {
            await LeaveAsync(registry);
            logger.LogInformation("Worker {WorkerId} drains: {Requests} requests in flight get up to {Seconds} s to finish", workerId, _active.Count, options.DrainTimeout.TotalSeconds);
            await Task.WhenAll(_handlers.Keys).WaitAsync(options.DrainTimeout, clock).ContinueWith(_ => { }, TaskScheduler.Default);
        }
        await failed.CancelAsync();
    }

    private Task LeaveAsync(INatsKVStore registry) =>
        registry.DeleteAsync(workerId, cancellationToken: CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(2)).ContinueWith(_ => { }, TaskScheduler.Default);

    /// <param name="abandon">Cancels the requests being handled: after the drain, or when the worker fails.</param>
    private async Task ServeAsync(INatsSub<byte[]> requests, CancellationToken abandon, CancellationToken stopping)
    {
        await foreach (var message in requests.Msgs.ReadAllAsync(stopping))
        {
            if (message.ReplyTo is not { } replyTo)
                continue;
            var handler = HandleAsync(message.Data ?? [], replyTo, abandon);
            _handlers[handler] = 0;
            _ = handler.ContinueWith(t => _handlers.TryRemove(t, out _), TaskScheduler.Default);
        }
    }

    private async Task HandleAsync(byte[] body, string replyTo, CancellationToken abandon)
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
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(abandon);
        _active[request.RequestId] = (cancel, replyTo);
        try
        {
            if (request.KvSource is { } source)
                request = request with { ImportKv = await PullAsync(request.RequestId, source, cancel.Token), KvSource = null };
            await foreach (var output in engine.GenerateAsync(request, cancel.Token))
                await ReplyAsync(replyTo, GenerateFrame.From(Staged(output)));
        }
        catch (OperationCanceledException) when (abandon.IsCancellationRequested)
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

    /// <summary>
    /// A decode worker takes the prompt's KV from the prefill worker that computed it. What arrives before a
    /// failure (a corrupt block, the prefill worker gone) is used; the rest is prefilled here, so the client
    /// still gets its one stream.
    /// </summary>
    private async Task<IReadOnlyList<KvBlockPayload>?> PullAsync(string requestId, KvTransferHandle source, CancellationToken cancellationToken)
    {
        if (kv is null)
            return null;
        var blocks = new List<KvBlockPayload>(source.Blocks);
        try
        {
            await foreach (var block in kv.PullAsync(source, cancellationToken))
                blocks.Add(block);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Request {RequestId} on worker {WorkerId}: the KV transfer from {Address} failed after {Blocks} of {Total} blocks ({Error}); the rest is prefilled here",
                requestId, workerId, source.Address, blocks.Count, source.Blocks, ex.Message);
        }
        return blocks;
    }

    // A prefill's blocks wait on the data plane; the frontend hears where, not the bytes.
    private EngineOutput Staged(EngineOutput output) =>
        output.ExportedKv is { Count: > 0 } blocks && kv is not null ? output with { ExportedKv = null, KvHandle = kv.Stage(blocks) } : output;

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

    // Batches stay well under NATS's default 1 MB message limit; a long prompt's stored event is
    // split into runs of blocks, each run's parent the block before it.
    private const int MaxBatchBytes = 256 * 1024;
    private const int MaxBlocksPerEvent = 1024;

    private async Task PublishKvEventsAsync(CancellationToken stopping)
    {
        var batch = new List<byte[]>();
        var bytes = 0;
        while (await _events.Reader.WaitToReadAsync(stopping))
        {
            while (bytes < MaxBatchBytes && _events.Reader.TryRead(out var e))
                foreach (var part in KvEventMessage.Split(e, MaxBlocksPerEvent))
                {
                    var json = WireJson.Write(part);
                    batch.Add(json);
                    bytes += json.Length + 1;
                }
            await nats.PublishAsync(NatsSubjects.KvEvents(workerId), JsonArray(batch, bytes), cancellationToken: stopping);
            (bytes, batch) = (0, []);
        }
    }

    /// <summary>A frontend that just met this worker asks what its KV tiers hold: the answer is one or more batches, the last empty.</summary>
    private async Task AnswerSnapshotsAsync(INatsSub<byte[]> requests, CancellationToken stopping)
    {
        await foreach (var message in requests.Msgs.ReadAllAsync(stopping))
        {
            if (message.ReplyTo is not { } replyTo)
                continue;
            var batch = new List<byte[]>();
            var bytes = 0;
            foreach (var part in _cache.Snapshot().SelectMany(e => KvEventMessage.Split(e, MaxBlocksPerEvent)))
            {
                var json = WireJson.Write(part);
                if (bytes + json.Length > MaxBatchBytes && batch.Count > 0)
                {
                    await nats.PublishAsync(replyTo, JsonArray(batch, bytes), cancellationToken: stopping);
                    (bytes, batch) = (0, []);
                }
                batch.Add(json);
                bytes += json.Length + 1;
            }
            if (batch.Count > 0)
                await nats.PublishAsync(replyTo, JsonArray(batch, bytes), cancellationToken: stopping);
            await nats.PublishAsync(replyTo, "[]"u8.ToArray(), cancellationToken: stopping);
        }
    }

    /// <param name="length">The items' lengths plus one each (for '[' or ',').</param>
    private static byte[] JsonArray(List<byte[]> items, int length)
    {
        var array = new byte[length + 1];
        var at = 0;
        for (var i = 0; i < items.Count; i++)
        {
            array[at++] = i == 0 ? (byte)'[' : (byte)',';
            items[i].CopyTo(array, at);
            at += items[i].Length;
        }
        array[at] = (byte)']';
        return array;
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
