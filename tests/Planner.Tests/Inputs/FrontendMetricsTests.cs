using Dynamo.Planner.Inputs;

namespace Dynamo.Planner.Tests.Inputs;

/// <summary>The frontend's /metrics read as Prometheus would, and one interval's traffic from two reads.</summary>
public sealed class FrontendMetricsTests
{
    /// <summary>Two scrapes 30 s apart, as the host's OpenTelemetry exporter writes them (scope label, timestamps on some lines).</summary>
    internal static string Exposition(double requests, double[] ttftBuckets, double inputSum, double inputCount, double queued, double inflight = 0) => $$"""
        # HELP dynamo_frontend_requests_total Requests handled.
        # TYPE dynamo_frontend_requests_total counter
        dynamo_frontend_requests_total{otel_scope_name="Dynamo.Frontend",model="m",endpoint="chat_completions",request_type="stream",status="success"} {{requests - 1}} 1700000000000
        dynamo_frontend_requests_total{otel_scope_name="Dynamo.Frontend",model="m",endpoint="completions",request_type="unary",status="error"} 1
        dynamo_frontend_requests_total{otel_scope_name="Dynamo.Frontend",model="other \"quoted\", {braced}",endpoint="completions",request_type="unary",status="success"} 100
        # TYPE dynamo_frontend_time_to_first_token_seconds histogram
        dynamo_frontend_time_to_first_token_seconds_bucket{otel_scope_name="Dynamo.Frontend",model="m",le="0.1"} {{ttftBuckets[0]}}
        dynamo_frontend_time_to_first_token_seconds_bucket{otel_scope_name="Dynamo.Frontend",model="m",le="0.2"} {{ttftBuckets[1]}}
        dynamo_frontend_time_to_first_token_seconds_bucket{otel_scope_name="Dynamo.Frontend",model="m",le="+Inf"} {{ttftBuckets[2]}}
        dynamo_frontend_time_to_first_token_seconds_sum{otel_scope_name="Dynamo.Frontend",model="m"} 1.5
        dynamo_frontend_time_to_first_token_seconds_count{otel_scope_name="Dynamo.Frontend",model="m"} {{ttftBuckets[2]}}
        dynamo_frontend_input_sequence_tokens_sum{otel_scope_name="Dynamo.Frontend",model="m"} {{inputSum}}
        dynamo_frontend_input_sequence_tokens_count{otel_scope_name="Dynamo.Frontend",model="m"} {{inputCount}}
        dynamo_frontend_output_sequence_tokens_sum{otel_scope_name="Dynamo.Frontend",model="m"} 0
        dynamo_frontend_output_sequence_tokens_count{otel_scope_name="Dynamo.Frontend",model="m"} 0
        dynamo_frontend_queued_requests{otel_scope_name="Dynamo.Frontend",model="m"} {{queued}}
        dynamo_frontend_queued_requests{otel_scope_name="Dynamo.Frontend",model="other \"quoted\", {braced}"} 7
        # TYPE dynamo_frontend_inflight_requests gauge
        dynamo_frontend_inflight_requests{otel_scope_name="Dynamo.Frontend",model="m"} {{inflight}}
        dynamo_frontend_inflight_requests{otel_scope_name="Dynamo.Frontend",model="other \"quoted\", {braced}"} 2

        """;

    [Fact]
    public void Samples_are_read_with_their_labels_whatever_the_label_values_hold()
    {
        var samples = PrometheusText.Parse(Exposition(10, [1, 2, 2], 0, 0, 0));

        var other = Assert.Single(samples, s => s.Name == FrontendSeries.QueuedRequests && s.Label("model") != "m");
        Assert.Equal("other \"quoted\", {braced}", other.Label("model"));
        Assert.Equal(7, other.Value);
        Assert.Equal(9, samples.First(s => s.Name == FrontendSeries.Requests).Value);
        Assert.Equal(3, samples.Count(s => s.Name.EndsWith("_bucket", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_sample_sums_the_planned_model_s_series_or_every_model_s()
    {
        var samples = PrometheusText.Parse(Exposition(10, [1, 2, 2], 4000, 4, 3));

        var m = FrontendSample.From(samples, "m");
        Assert.Equal((10, 3, 4), (m.Requests, m.QueuedRequests, m.InputTokens.Count));
        Assert.Equal(110, FrontendSample.From(samples, null).Requests);
        Assert.Equal(10, FrontendSample.From(samples, null).QueuedRequests);
    }

    [Fact]
    public void An_interval_is_the_difference_of_two_reads()
    {
        var earlier = FrontendSample.From(PrometheusText.Parse(Exposition(10, [1, 2, 2], 4000, 4, 0)), "m");
        var later = FrontendSample.From(PrometheusText.Parse(Exposition(40, [6, 12, 12], 34_000, 34, 5)), "m");

        var interval = FrontendObservation.Between(earlier, later, TimeSpan.FromSeconds(30));

        Assert.Equal(1, interval.RequestRate);
        Assert.Equal(1000, interval.MeanInputTokens);
        Assert.Null(interval.MeanOutputTokens);
        // Of the interval's 10 first tokens, 5 within 100 ms and 5 within 200 ms: p50 100 ms, p90 180 ms.
        Assert.Equal(100, interval.TtftP50Ms!.Value, 6);
        Assert.Equal(180, interval.TtftP90Ms!.Value, 6);
        Assert.Null(interval.ItlP50Ms);
        Assert.Equal(5, interval.QueuedRequests);
    }

    [Fact]
    public void The_rate_is_of_arrivals_so_requests_still_in_flight_count()
    {
        // 30 finished in 30 s while those in flight grew from 4 to 64: 90 arrived, 3 a second — an overloaded pool finishes
        // only what its workers manage, and the planner must see what is asked of them.
        var earlier = FrontendSample.From(PrometheusText.Parse(Exposition(10, [1, 2, 2], 4000, 4, 0, inflight: 4)), "m");
        var later = FrontendSample.From(PrometheusText.Parse(Exposition(40, [6, 12, 12], 34_000, 34, 5, inflight: 64)), "m");
        Assert.Equal((4, 6), (earlier.InflightRequests, FrontendSample.From(PrometheusText.Parse(Exposition(10, [1, 2, 2], 4000, 4, 0, inflight: 4)), null).InflightRequests));

        Assert.Equal(3, FrontendObservation.Between(earlier, later, TimeSpan.FromSeconds(30)).RequestRate);
        // Draining: 30 finished while in flight fell from 64 to 4, so none arrived; never below none.
        Assert.Equal(0, FrontendObservation.Between(later, earlier with { Requests = 70 }, TimeSpan.FromSeconds(30)).RequestRate);
    }

    [Fact]
    public void A_restarted_frontend_counts_from_zero()
    {
        var earlier = FrontendSample.From(PrometheusText.Parse(Exposition(500, [100, 200, 200], 200_000, 200, 0)), "m");
        var later = FrontendSample.From(PrometheusText.Parse(Exposition(30, [5, 10, 10], 6000, 6, 0)), "m");

        var interval = FrontendObservation.Between(earlier, later, TimeSpan.FromSeconds(30));

        Assert.Equal(1, interval.RequestRate);
        Assert.Equal(1000, interval.MeanInputTokens);
        Assert.Equal(100, interval.TtftP50Ms!.Value, 6);
    }

    [Theory]
    [InlineData(0.5, 0.1)]
    [InlineData(0.25, 0.05)]
    [InlineData(0.9, 0.18)]
    [InlineData(1.0, 0.2)]
    public void Quantiles_are_interpolated_within_their_bucket(double q, double expected)
    {
        var histogram = new HistogramSample([new(0.1, 5), new(0.2, 10), new(double.PositiveInfinity, 10)], 1.2, 10);

        Assert.Equal(expected, histogram.Quantile(q)!.Value, 9);
    }

    [Fact]
    public void A_quantile_in_the_open_bucket_is_the_highest_bound()
    {
        var histogram = new HistogramSample([new(0.1, 1), new(0.2, 2), new(double.PositiveInfinity, 10)], 9, 10);

        Assert.Equal(0.2, histogram.Quantile(0.9));
        Assert.Null(HistogramSample.Empty.Quantile(0.5));
    }
}
