namespace Dynamo.Planner.Inputs;

/// <summary>Scrapes one frontend's <c>/metrics</c> (Prometheus text), as Prometheus would.</summary>
internal sealed class MetricsScrapeSource(HttpClient http, Uri url, string? model) : IFrontendMetricsSource
{
    public string Description => $"the frontend's metrics at {url}";

    public async Task<FrontendSample> SampleAsync(CancellationToken cancellationToken)
    {
        var text = await http.GetStringAsync(url, cancellationToken);
        return FrontendSample.From(PrometheusText.Parse(text), model);
    }
}
