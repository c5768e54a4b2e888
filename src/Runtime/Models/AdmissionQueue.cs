namespace Dynamo.Runtime.Models;

/// <summary>
/// The frontend's queue in front of the router: while every worker is busy (this frontend has
/// <c>BusyThreshold</c> requests in flight per worker), new requests wait here and are let through
/// one per finished request, highest priority first, earliest arrival among equals.
/// </summary>
internal sealed class AdmissionQueue(int busyThreshold, Func<int> workerCount)
{
    private readonly Lock _lock = new();
    private readonly PriorityQueue<TaskCompletionSource, (int NegatedPriority, long Arrival)> _waiting = new();
    private long _arrivals;
    private int _admitted;

    /// <summary>Requests waiting now.</summary>
    public int Depth
    {
        get { lock (_lock) return _waiting.Count; }
    }

    private bool HasRoom => _admitted < busyThreshold * Math.Max(workerCount(), 1);

    /// <summary>Waits for a slot; dispose the result when the request is over.</summary>
    public async ValueTask<Slot> EnterAsync(int priority, CancellationToken cancellationToken)
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
            _waiting.Enqueue(admitted, (-priority, _arrivals++));
        }
        // Workers that join add room no request finishing would announce: look again now and then.
        while (true)
        {
            try
            {
                await admitted.Task.WaitAsync(TimeSpan.FromMilliseconds(250), cancellationToken);
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
                    _admitted++;
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
