namespace Dynamo.Host.Metrics;

/// <summary>One request's contribution to <see cref="FrontendMetrics"/>: inflight while alive, then counted once.</summary>
internal sealed class RequestMetrics : IDisposable
{
    private readonly FrontendMetrics _metrics;
    private readonly TimeProvider _clock;
    private readonly string _model;
    private readonly string _endpoint;
    private readonly string _requestType;
    private readonly long _started;
    private long _lastToken;
    private string _status = "error";
    private bool _disposed;

    public RequestMetrics(FrontendMetrics metrics, TimeProvider clock, string model, string endpoint, bool stream)
    {
        (_metrics, _clock, _model, _endpoint, _requestType) = (metrics, clock, model, endpoint, stream ? "stream" : "unary");
        _started = clock.GetTimestamp();
        metrics.Inflight.WithLabels(model).Inc();
    }

    /// <summary>The engine produced <paramref name="count"/> tokens now.</summary>
    public void Tokens(int count)
    {
        if (count == 0)
            return;
        var now = _clock.GetTimestamp();
        if (_lastToken == 0)
            _metrics.TimeToFirstToken.WithLabels(_model).Observe(_clock.GetElapsedTime(_started, now).TotalSeconds);
        else
        {
            var perToken = _clock.GetElapsedTime(_lastToken, now).TotalSeconds / count;
            for (var i = 0; i < count; i++)
                _metrics.InterTokenLatency.WithLabels(_model).Observe(perToken);
        }
        _lastToken = now;
    }

    public void Succeeded(int promptTokens, int completionTokens)
    {
        _status = "success";
        _metrics.InputTokens.WithLabels(_model).Observe(promptTokens);
        _metrics.OutputTokens.WithLabels(_model).Observe(completionTokens);
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _metrics.Inflight.WithLabels(_model).Dec();
        _metrics.Requests.WithLabels(_model, _endpoint, _requestType, _status).Inc();
        _metrics.Duration.WithLabels(_model).Observe(_clock.GetElapsedTime(_started).TotalSeconds);
    }
}
