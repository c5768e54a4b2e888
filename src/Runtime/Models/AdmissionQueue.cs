namespace Dynamo.Runtime.Models;

/// <summary>
/// The frontend's queue in front of the router: while there is no room (this frontend has
/// <c>BusyThreshold</c> requests in flight per worker, or every worker is over a busy threshold in
/// queue mode), new requests wait here and are let through as room appears, highest strict tier
/// first, then highest priority, earliest arrival among equals.
/// </summary>
/// <param name="hasRoom">Whether one more request may go, given how many this queue has let through and not yet seen finish.</param>
/// <param name="paced">
/// True while room is judged from the load workers report: that load does not yet show a request
/// just let through, so waiters go one per look rather than all at once.
/// </param>
internal sealed class AdmissionQueue(Func<int, bool> hasRoom, Func<bool> paced)
{
    /// <summary>Room for <paramref name="busyThreshold"/> requests in flight per worker.</summary>
    public AdmissionQueue(int busyThreshold, Func<int> workerCount)
        : this(admitted => admitted < busyThreshold * Math.Max(workerCount(), 1), () => false)
    {
    }

    /// <summary>How often waiters look again: workers that join, or load that falls, announce no finished request.</summary>
    private static readonly TimeSpan Recheck = TimeSpan.FromMilliseconds(20);

    private readonly Lock _lock = new();
    private readonly PriorityQueue<TaskCompletionSource, (int NegatedTier, int NegatedPriority, long Arrival)> _waiting = new();
    private long _arrivals;
    private int _admitted;

    /// <summary>Requests waiting now.</summary>
    public int Depth
    {
        get { lock (_lock) return _waiting.Count; }
    }

    private bool HasRoom => hasRoom(_admitted);

    /// <summary>Waits for a slot; dispose the result when the request is over.</summary>
    /// <param name="strictPriority">The request's absolute tier: a higher one is always let through first.</param>
    public async ValueTask<Slot> EnterAsync(int strictPriority, int priority, CancellationToken cancellationToken)
    {
        TaskCompletionSource admitted;
        lock (_lock)
        {
            if (_waiting.Count == 0 && HasRoom)
            {
                _admitted++;
                return new Slot(this);
            }
            admitted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Enqueue(admitted, (-strictPriority, -priority, _arrivals++));
        }
        while (true)
        {
            try
            {
                await admitted.Task.WaitAsync(Recheck, cancellationToken);
                return new Slot(this);
            }
            catch (TimeoutException)
            {
                AdmitWaiting();
            }
            catch (OperationCanceledException)
            {
                // Cancelled while admitted at the same moment: hand the slot on.
                if (!admitted.TrySetCanceled())
                    Leave();
                throw;
            }
        }
    }

    private void Leave()
    {
        lock (_lock)
            _admitted--;
        AdmitWaiting();
    }

    private void AdmitWaiting()
    {
        lock (_lock)
            while (HasRoom && _waiting.TryDequeue(out var next, out _))
                if (next.TrySetResult())
                {
                    _admitted++;
                    if (paced())
                        break;
                }
    }

    /// <summary>A request's place among those in flight.</summary>
    public sealed class Slot(AdmissionQueue queue) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
                queue.Leave();
        }
    }
}
