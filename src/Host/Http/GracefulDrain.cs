using Dynamo.Runtime.Errors;

namespace Dynamo.Host.Http;

/// <summary>
/// A frontend's graceful shutdown: once draining, new API requests get 503 and <c>/health</c> says
/// so (while <c>/live</c> stays 200), and the requests in flight, streams included, are waited for.
/// </summary>
internal sealed class GracefulDrain
{
    private int _inflight;
    private volatile bool _draining;

    public bool Draining => _draining;

    public int Inflight => Volatile.Read(ref _inflight);

    /// <summary>Counts an API request in flight; refuses it once draining.</summary>
    public IDisposable Enter()
    {
        if (_draining)
            throw new DynamoRequestException(RequestErrorKind.Unavailable, "The server is shutting down; send the request to another replica.", null, "shutting_down");
        Interlocked.Increment(ref _inflight);
        return new Exit(this);
    }

    /// <summary>Stops taking requests and waits until those in flight are done, or <paramref name="timeout"/> passes.</summary>
    /// <returns>How many were still in flight at the end.</returns>
    public async Task<int> DrainAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        _draining = true;
        var deadline = DateTime.UtcNow + timeout;
        while (Inflight > 0 && DateTime.UtcNow < deadline && !cancellationToken.IsCancellationRequested)
            await Task.Delay(50, CancellationToken.None);
        return Inflight;
    }

    private sealed class Exit(GracefulDrain drain) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
                Interlocked.Decrement(ref drain._inflight);
        }
    }
}
