using System.Net;
using System.Text;
using Dynamo.Planner.Inputs;

namespace Dynamo.Planner.Tests.Inputs;

/// <summary>The two ways to the frontend's counters: its own /metrics, and a Prometheus server's query API.</summary>
public sealed class MetricsSourceTests
{
    [Fact]
    public async Task The_scrape_reads_the_frontend_s_metrics_page()
    {
        var handler = new Answer(_ => (HttpStatusCode.OK, FrontendMetricsTests.Exposition(10, [1, 2, 2], 4000, 4, 3)));
        var source = new MetricsScrapeSource(new HttpClient(handler), new Uri("http://frontend:8000/metrics"), "m");

        var sample = await source.SampleAsync(CancellationToken.None);

        Assert.Equal("http://frontend:8000/metrics", handler.Asked.Single().ToString());
        Assert.Equal((10, 3), (sample.Requests, sample.QueuedRequests));
    }

    [Fact]
    public async Task The_query_API_is_asked_for_the_model_s_series_in_one_query_and_sums_every_frontend()
    {
        const string Answer = """
            {"status":"success","data":{"resultType":"vector","result":[
              {"metric":{"__name__":"dynamo_frontend_requests_total","model":"m","instance":"a:8000","status":"success"},"value":[1700000000.1,"12"]},
              {"metric":{"__name__":"dynamo_frontend_requests_total","model":"m","instance":"b:8000","status":"success"},"value":[1700000000.1,"30"]},
              {"metric":{"__name__":"dynamo_frontend_input_sequence_tokens_sum","model":"m","instance":"a:8000"},"value":[1700000000.1,"9000"]},
              {"metric":{"__name__":"dynamo_frontend_input_sequence_tokens_count","model":"m","instance":"a:8000"},"value":[1700000000.1,"9"]},
              {"metric":{"__name__":"dynamo_frontend_time_to_first_token_seconds_bucket","model":"m","instance":"a:8000","le":"0.5"},"value":[1700000000.1,"4"]},
              {"metric":{"__name__":"dynamo_frontend_time_to_first_token_seconds_bucket","model":"m","instance":"b:8000","le":"0.5"},"value":[1700000000.1,"6"]},
              {"metric":{"__name__":"dynamo_frontend_time_to_first_token_seconds_bucket","model":"m","instance":"a:8000","le":"+Inf"},"value":[1700000000.1,"4"]},
              {"metric":{"__name__":"dynamo_frontend_time_to_first_token_seconds_bucket","model":"m","instance":"b:8000","le":"+Inf"},"value":[1700000000.1,"6"]}
            ]}}
            """;
        var handler = new Answer(_ => (HttpStatusCode.OK, Answer));
        var source = new PrometheusQuerySource(new HttpClient(handler), new Uri("http://prometheus:9090/"), "m");

        var sample = await source.SampleAsync(CancellationToken.None);

        var asked = handler.Asked.Single();
        Assert.Equal("/api/v1/query", asked.AbsolutePath);
        var query = Uri.UnescapeDataString(asked.Query["?query=".Length..]);
        Assert.Equal(source.Query, query);
        Assert.Contains("dynamo_frontend_requests_total", query);
        Assert.Contains("model=\"m\"", query);
        Assert.Equal(42, sample.Requests);
        Assert.Equal(1000, sample.InputTokens.Mean);
        Assert.Equal([new HistogramBucket(0.5, 10), new HistogramBucket(double.PositiveInfinity, 10)], sample.TimeToFirstToken.Buckets);
    }

    [Fact]
    public async Task A_query_error_is_an_HTTP_error()
    {
        var source = new PrometheusQuerySource(new HttpClient(new Answer(_ => (HttpStatusCode.OK, """{"status":"error","error":"parse error"}"""))), new Uri("http://prometheus:9090/"), null);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => source.SampleAsync(CancellationToken.None));

        Assert.Contains("parse error", error.Message);
        await Assert.ThrowsAsync<HttpRequestException>(() =>
            new MetricsScrapeSource(new HttpClient(new Answer(_ => (HttpStatusCode.ServiceUnavailable, ""))), new Uri("http://frontend/metrics"), null).SampleAsync(CancellationToken.None));
    }

    private sealed class Answer(Func<Uri, (HttpStatusCode Status, string Body)> answer) : HttpMessageHandler
    {
        public List<Uri> Asked { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Asked.Add(request.RequestUri!);
            var (status, body) = answer(request.RequestUri!);
            return Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8) });
        }
    }
}
