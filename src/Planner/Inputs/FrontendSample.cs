namespace Dynamo.Planner.Inputs;

/// <summary>
/// The frontend's counters and histograms at one moment (cumulative since it started) and its queue now,
/// summed over every series of the planned model (or all models).
/// </summary>
internal sealed record FrontendSample(
    double Requests,
    HistogramSample TimeToFirstToken,
    HistogramSample InterTokenLatency,
    HistogramSample InputTokens,
    HistogramSample OutputTokens,
    double QueuedRequests)
{
    public static FrontendSample From(IReadOnlyList<MetricSample> samples, string? model)
    {
        bool Include(MetricSample s) => model is null || s.Label("model") == model;
        return new FrontendSample(
            samples.Where(s => s.Name == FrontendSeries.Requests && Include(s)).Sum(s => s.Value),
            HistogramSample.From(samples, FrontendSeries.TimeToFirstToken, Include),
            HistogramSample.From(samples, FrontendSeries.InterTokenLatency, Include),
            HistogramSample.From(samples, FrontendSeries.InputTokens, Include),
            HistogramSample.From(samples, FrontendSeries.OutputTokens, Include),
            samples.Where(s => s.Name == FrontendSeries.QueuedRequests && Include(s)).Sum(s => s.Value));
    }
}
