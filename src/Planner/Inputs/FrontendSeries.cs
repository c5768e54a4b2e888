namespace Dynamo.Planner.Inputs;

/// <summary>The frontend's metric names the planner reads (see <c>Dynamo.Runtime.Metrics.FrontendMetrics</c>).</summary>
internal static class FrontendSeries
{
    public const string Requests = "dynamo_frontend_requests_total";
    public const string TimeToFirstToken = "dynamo_frontend_time_to_first_token_seconds";
    public const string InterTokenLatency = "dynamo_frontend_inter_token_latency_seconds";
    public const string InputTokens = "dynamo_frontend_input_sequence_tokens";
    public const string OutputTokens = "dynamo_frontend_output_sequence_tokens";
    public const string QueuedRequests = "dynamo_frontend_queued_requests";
    public const string InflightRequests = "dynamo_frontend_inflight_requests";

    public static IReadOnlyList<string> All { get; } = [Requests, TimeToFirstToken, InterTokenLatency, InputTokens, OutputTokens, QueuedRequests, InflightRequests];
}
