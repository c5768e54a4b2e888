namespace Dynamo.Host.Metrics;

/// <summary>One request's contribution to the frontend metrics: inflight while alive, then counted once.</summary>
internal sealed class RequestMetrics : IDisposable
{
    private readonly ModelMetrics _metrics;
    private readonly TimeProvider _clock;
    private readonly string _endpoint;
    private readonly string _requestType;
    private readonly long _started;
    private long _lastToken;
    private string _status = "error";
    private bool _disposed;

    public RequestMetrics(ModelMetrics metrics, TimeProvider clock, string endpoint, bool stream)
    {
        (_metrics, _clock, _endpoint, _requestType) = (metrics, clock, endpoint, stream ? "stream" : "unary");
        _started = clock.GetTimestamp();
        metrics.Inflight.Inc();
    }

    /// <summary>The engine produced <paramref name="count"/> tokens now.</summary>
    public void Tokens(int count)
    {
        if (count == 0)
            return;
        var now = _clock.GetTimestamp();
        if (_lastToken == 0)
            _metrics.TimeToFirstToken.Observe(_clock.GetElapsedTime(_started, now).TotalSeconds);
        else
            _metrics.InterTokenLatency.Observe(_clock.GetElapsedTime(_lastToken, now).TotalSeconds / count, count);
        _lastToken = now;
    }

    public void Succeeded(int promptTokens, int completionTokens)
    {
        _status = "success";
        _metrics.InputTokens.Observe(promptTokens);
        _metrics.OutputTokens.Observe(completionTokens);
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _metrics.Inflight.Dec();
        _metrics.Requests.WithLabels(_metrics.Model, _endpoint, _requestType, _status).Inc();
        _metrics.Duration.Observe(_clock.GetElapsedTime(_started).TotalSeconds);
    }
}
