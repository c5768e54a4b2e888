using Dynamo.Abstractions.Requests;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Dynamo.Abstractions.KvCache;

namespace Dynamo.Abstractions.Engines.Scheduling;

/// <summary>
/// The scheduler skeleton engines share: requests arrive on a queue, one loop admits them by
/// priority (then arrival) while the engine has room, runs steps, drops cancelled work and keeps a
/// load snapshot. An engine supplies admission (<see cref="TryAdmit"/>), a step (<see cref="StepAsync"/>)
/// and what finishing frees (<see cref="Release"/>). If the loop fails, every request it held fails
/// at once, later ones fail on arrival, and <see cref="Faulted"/> tells the host to stop routing here.
/// </summary>
public abstract class EngineScheduler<TSequence> : IEngine where TSequence : ScheduledSequence
{
    private readonly ConcurrentQueue<TSequence> _incoming = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _loadLock = new();
    private Task _loop = Task.CompletedTask;
    private long _arrivals;
    private EngineLoad _load;
    private volatile Exception? _fault;

    /// <summary>Admitted and not yet finished, in admission order.</summary>
    protected List<TSequence> Running { get; } = [];

    /// <summary>Arrived and not yet admitted.</summary>
    protected List<TSequence> Waiting { get; } = [];

    /// <summary>How failures name this engine ("the mocker", "the llama engine").</summary>
    protected abstract string EngineName { get; }

    public abstract EngineDescriptor Descriptor { get; }

    public EngineLoad Load
    {
        get { lock (_loadLock) return _load; }
    }

    /// <summary>The failure that stopped the loop, if it did.</summary>
    public Exception? Fault => _fault;

    public event Action<KvCacheEvent>? KvEventPublished;

    public event Action<Exception>? Faulted;

    protected void PublishKvEvent(KvCacheEvent kvEvent) => KvEventPublished?.Invoke(kvEvent);

    /// <summary>Starts the loop; call it last in the engine's constructor.</summary>
    /// <param name="longRunning">Give the loop its own thread (an engine whose steps are long synchronous computations).</param>
    protected void StartLoop(bool longRunning = false) =>
        _loop = longRunning ? Task.Factory.StartNew(RunAsync, TaskCreationOptions.LongRunning).Unwrap() : Task.Run(RunAsync);

    public async IAsyncEnumerable<EngineOutput> GenerateAsync(EngineRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (_fault is { } failed)
            throw Failure(failed);
        var sequence = await CreateSequenceAsync(request, cancellationToken);
        sequence.Arrival = Interlocked.Increment(ref _arrivals);
        _incoming.Enqueue(sequence);
        _wake.Release();
        // The loop may have died between the check above and the enqueue: nobody would read the queue.
        if (_fault is { } fault)
            sequence.Output.Writer.TryComplete(Failure(fault));
        try
        {
            await foreach (var output in sequence.Output.Reader.ReadAllAsync(cancellationToken))
                yield return output;
        }
        finally
        {
            // Whichever way the consumer leaves (cancelled, disposed early), the loop frees the sequence.
            if (!sequence.Output.Reader.Completion.IsCompleted)
            {
                sequence.Cancel();
                _wake.Release();
            }
        }
    }

    /// <summary>Checks the request and builds its sequence, on the caller's thread (hashing, tier fetches stay off the loop).</summary>
    /// <exception cref="EngineException">The request cannot run here (a client error).</exception>
    protected abstract ValueTask<TSequence> CreateSequenceAsync(EngineRequest request, CancellationToken cancellationToken);

    /// <summary>Admits <paramref name="sequence"/> if the engine has room for it (KV blocks); false stops admission for this step.</summary>
    protected abstract bool TryAdmit(TSequence sequence);

    /// <summary>One step of the running batch; emits with <see cref="Emit"/> and ends sequences with <see cref="Finish"/>.</summary>
    protected abstract ValueTask StepAsync(CancellationToken stopping);

    /// <summary>Frees what a running sequence holds; called once, when it finishes or is dropped.</summary>
    protected abstract void Release(TSequence sequence);

    /// <summary>The load now; <see cref="EngineLoad.ActiveRequests"/> and <see cref="EngineLoad.WaitingRequests"/> as counted here.</summary>
    protected abstract EngineLoad MeasureLoad(int running, int waiting);

    /// <summary>Before each admission: expire what lapsed (session holds).</summary>
    protected virtual void BeforeAdmit()
    {
    }

    /// <summary>The loop woke from idle.</summary>
    protected virtual void OnWake()
    {
    }

    /// <summary>Sends <paramref name="output"/> to the sequence's consumer, and finishes it when the output has a finish reason.</summary>
    protected void Emit(TSequence sequence, EngineOutput output)
    {
        sequence.Output.Writer.TryWrite(output);
        if (output.FinishReason is { } reason)
            Finish(sequence, reason);
    }

    /// <summary>Ends a sequence: frees it (if it ran) and completes its output; a null reason means it was cancelled.</summary>
    protected void Finish(TSequence sequence, FinishReason? reason)
    {
        if (Running.Remove(sequence))
            Release(sequence);
        if (reason is null)
            sequence.Output.Writer.TryComplete(new OperationCanceledException());
        else
            sequence.Output.Writer.TryComplete();
    }

    private async Task RunAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                while (_incoming.TryDequeue(out var sequence))
                    Waiting.Add(sequence);
                Waiting.RemoveAll(s => s.Cancelled && s.Output.Writer.TryComplete());
                foreach (var sequence in Running.Where(s => s.Cancelled).ToList())
                    Finish(sequence, null);
                BeforeAdmit();
                Admit();
                PublishLoad();
                if (Running.Count == 0)
                {
                    try { await _wake.WaitAsync(_stop.Token); } catch (OperationCanceledException) { break; }
                    OnWake();
                    continue;
                }
                await StepAsync(_stop.Token);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Stopped in the middle of a step: a stop, not a failure.
        }
        catch (Exception ex)
        {
            // A bug (or a device failure) here must fail the requests at once, not leave them waiting forever.
            _fault = ex;
            foreach (var sequence in Waiting.Concat(Running).Concat(_incoming))
                sequence.Output.Writer.TryComplete(Failure(ex));
            Faulted?.Invoke(ex);
            return;
        }
        foreach (var sequence in Waiting.Concat(Running).Concat(_incoming))
            sequence.Output.Writer.TryComplete(new OperationCanceledException("The engine stopped."));
    }

    private void Admit()
    {
        Waiting.Sort((a, b) => RequestMetadata.CompareUrgency(b.Request.Metadata, a.Request.Metadata) is var urgency and not 0 ? urgency : a.Arrival.CompareTo(b.Arrival));
        var admitted = 0;
        foreach (var sequence in Waiting)
        {
            if (Running.Count >= Descriptor.MaxBatchSize || !TryAdmit(sequence))
                break;
            Running.Add(sequence);
            admitted++;
        }
        Waiting.RemoveRange(0, admitted);
    }

    private void PublishLoad()
    {
        var load = MeasureLoad(Running.Count, Waiting.Count + _incoming.Count);
        lock (_loadLock)
            _load = load;
    }

    private EngineException Failure(Exception fault) => new($"{EngineName} failed: {fault.Message}", inner: fault);

    /// <summary>Stops the loop (requests still running end as cancelled), then disposes what the engine owns.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
        await DisposeCoreAsync();
        GC.SuppressFinalize(this);
    }

    protected virtual ValueTask DisposeCoreAsync() => ValueTask.CompletedTask;
}
