namespace Dynamo.Planner.Inputs;

/// <summary>
/// The frontend's counters and histograms at one moment (cumulative since it started), its queue and the
/// requests in flight now, summed over every series of the planned model (or all models).
/// </summary>
/// <param name="Requests">Requests finished (any status).</param>
internal sealed record FrontendSample(
    double Requests,
    HistogramSample TimeToFirstToken,
    HistogramSample InterTokenLatency,
    HistogramSample InputTokens,
    HistogramSample OutputTokens,
    double QueuedRequests,
    double InflightRequests)
{
    public static FrontendSample From(IReadOnlyList<MetricSample> samples, string? model)
    {
        bool Include(MetricSample s) => model is null || s.Label("model") == model;
        return new FrontendSample(
            Sum(FrontendSeries.Requests),
            HistogramSample.From(samples, FrontendSeries.TimeToFirstToken, Include),
            HistogramSample.From(samples, FrontendSeries.InterTokenLatency, Include),
            HistogramSample.From(samples, FrontendSeries.InputTokens, Include),
            HistogramSample.From(samples, FrontendSeries.OutputTokens, Include),
            Sum(FrontendSeries.QueuedRequests),
            Sum(FrontendSeries.InflightRequests));

        double Sum(string name) => samples.Where(s => s.Name == name && Include(s)).Sum(s => s.Value);
    }
}
