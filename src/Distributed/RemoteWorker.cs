using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Dynamo.Abstractions.Engines;
using Dynamo.Runtime.Workers;
using NATS.Client.Core;

namespace Dynamo.Distributed;

/// <summary>
/// A worker in another process, driven over NATS request/reply. A stream that hears nothing
/// (not even a keep-alive) for <see cref="NatsOptions.StreamIdleTimeout"/>, finds no worker
/// listening, whose worker's lease expires, or that its worker gives up (shutting down) ends in
/// <see cref="WorkerLostException"/>. A worker that deregisters keeps its streams: it is draining.
/// </summary>
internal sealed class RemoteWorker(WorkerRegistration registration, NatsConnection nats, NatsOptions options, TimeProvider clock) : IWorker
{
    private readonly CancellationTokenSource _lost = new();
    private readonly Lock _lock = new();
    private EngineLoad _load;

    public string WorkerId => registration.WorkerId;

    public string Model => registration.Model;

    public EngineDescriptor Descriptor { get; } = registration.Descriptor;

    public WorkerRole Role => registration.Role;

    /// <summary>The load the worker last published.</summary>
    public EngineLoad Load
    {
        get { lock (_lock) return _load; }
        set { lock (_lock) _load = value; }
    }

    /// <summary>When its registration was last renewed (a <see cref="TimeProvider"/> timestamp).</summary>
    public long LastRenewed { get; set; } = clock.GetTimestamp();

    /// <summary>The worker is hung or gone (its lease expired): every open stream to it ends now.</summary>
    public void MarkLost() => _lost.Cancel();

    public async IAsyncEnumerable<EngineOutput> GenerateAsync(EngineRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var inbox = nats.NewInbox();
        await using var replies = await nats.SubscribeCoreAsync<byte[]>(inbox, cancellationToken: cancellationToken);
        await nats.PublishAsync(NatsSubjects.Generate(WorkerId), WireJson.Write(request), replyTo: inbox, cancellationToken: cancellationToken);
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lost.Token);
        var finished = false;
        try
        {
            while (!finished)
            {
                var frame = await NextFrameAsync(replies.Msgs, idle, cancellationToken);
                if (frame.KeepAlive)
                    continue;
                if (frame.Gone)
                    throw new WorkerLostException(WorkerId, frame.Error ?? "it is shutting down");
                if (frame.Error is { } error)
                {
                    finished = true;
                    throw new EngineException(error, frame.ClientError);
                }
                finished = frame.Finish is not null;
                yield return frame.ToOutput();
            }
        }
        finally
        {
            // The client went away, or we stopped reading early: free the worker's slot and blocks.
            if (!finished)
                await nats.PublishAsync(NatsSubjects.Cancel(WorkerId), request.RequestId, cancellationToken: CancellationToken.None)
                    .AsTask().WaitAsync(TimeSpan.FromSeconds(1)).ContinueWith(_ => { });
        }
    }

    private async ValueTask<GenerateFrame> NextFrameAsync(ChannelReader<NatsMsg<byte[]>> replies, CancellationTokenSource idle, CancellationToken cancellationToken)
    {
        idle.CancelAfter(options.StreamIdleTimeout);
        NatsMsg<byte[]> message;
        try
        {
            message = await replies.ReadAsync(idle.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new WorkerLostException(WorkerId, _lost.IsCancellationRequested
                ? "it left the registry"
                : $"no word from it for {options.StreamIdleTimeout.TotalSeconds:0.#} s");
        }
        if (message.HasNoResponders)
            throw new WorkerLostException(WorkerId, "nothing listens on its subject");
        try
        {
            return WireJson.Read<GenerateFrame>(message.Data ?? []);
        }
        catch (FormatException ex)
        {
            throw new EngineException($"Worker {WorkerId} sent a malformed reply: {ex.Message}");
        }
    }
}
