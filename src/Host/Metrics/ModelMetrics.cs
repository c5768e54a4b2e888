using Prometheus;

namespace Dynamo.Host.Metrics;

/// <summary>One model's children of the frontend metrics, bound once so a request does no label lookups per token.</summary>
internal sealed class ModelMetrics(FrontendMetrics metrics, string model)
{
    public string Model => model;

    public Counter Requests => metrics.Requests;

    public Gauge.Child Inflight { get; } = metrics.Inflight.WithLabels(model);

    public Histogram.Child Duration { get; } = metrics.Duration.WithLabels(model);

    public Histogram.Child TimeToFirstToken { get; } = metrics.TimeToFirstToken.WithLabels(model);

    public Histogram.Child InterTokenLatency { get; } = metrics.InterTokenLatency.WithLabels(model);

    public Histogram.Child InputTokens { get; } = metrics.InputTokens.WithLabels(model);

    public Histogram.Child OutputTokens { get; } = metrics.OutputTokens.WithLabels(model);
}
