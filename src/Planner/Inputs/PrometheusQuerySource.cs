using System.Text.Json;

namespace Dynamo.Planner.Inputs;

/// <summary>
/// Reads the frontend series from a Prometheus server's query API in one instant query, so every frontend it
/// scrapes is summed; the counters then go through the same differencing as a direct scrape.
/// </summary>
internal sealed class PrometheusQuerySource(HttpClient http, Uri server, string? model) : IFrontendMetricsSource
{
    public string Description => $"Prometheus at {server}";

    public string Query
    {
        get
        {
            var names = string.Join("|", FrontendSeries.All);
            var modelLabel = model is null ? "" : $",model=\"{model.Replace("\\", "\\\\").Replace("\"", "\\\"")}\"";
            return $"{{__name__=~\"({names})(_bucket|_sum|_count)?\"{modelLabel}}}";
        }
    }

    public async Task<FrontendSample> SampleAsync(CancellationToken cancellationToken)
    {
        var url = new Uri(server, $"api/v1/query?query={Uri.EscapeDataString(Query)}");
        using var response = await http.GetAsync(url, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        return FrontendSample.From(Samples(json.RootElement), model);
    }

    /// <summary>The samples of a query API answer: <c>{"status":"success","data":{"resultType":"vector","result":[{"metric":{…},"value":[t,"v"]}]}}</c>.</summary>
    /// <exception cref="HttpRequestException">Not such an answer.</exception>
    public static IReadOnlyList<MetricSample> Samples(JsonElement root)
    {
        if (root.TryGetProperty("status", out var status) && status.GetString() != "success")
            throw new HttpRequestException($"Prometheus answered {status.GetString()}: {(root.TryGetProperty("error", out var error) ? error.GetString() : "no reason given")}.");
        if (!root.TryGetProperty("data", out var data) || !data.TryGetProperty("result", out var result) || result.ValueKind != JsonValueKind.Array)
            throw new HttpRequestException("Prometheus' answer has no data.result.");
        var samples = new List<MetricSample>();
        foreach (var series in result.EnumerateArray())
        {
            var labels = series.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal);
            var value = series.GetProperty("value");
            if (labels.Remove("__name__", out var name) && value.GetArrayLength() == 2 && PrometheusText.ParseValue(value[1].GetString() ?? "") is { } v)
                samples.Add(new MetricSample(name, labels, v));
        }
        return samples;
    }
}
