namespace Dynamo.Planner.Inputs;

/// <summary>
/// What the frontend saw over one interval, from the difference of two samples: requests finished per second,
/// their mean input and output lengths, TTFT and ITL percentiles, and its queue at the end. Lengths and
/// latencies are null when no request finished.
/// </summary>
internal sealed record FrontendObservation(
    double Seconds,
    double RequestRate,
    double? MeanInputTokens,
    double? MeanOutputTokens,
    double? TtftP50Ms,
    double? TtftP90Ms,
    double? ItlP50Ms,
    double? ItlP90Ms,
    double QueuedRequests)
{
    public static FrontendObservation Between(FrontendSample earlier, FrontendSample later, TimeSpan elapsed)
    {
        var seconds = Math.Max(elapsed.TotalSeconds, 1e-3);
        // A counter that went down means the frontend restarted: all it counted since is this interval's.
        var requests = later.Requests >= earlier.Requests ? later.Requests - earlier.Requests : later.Requests;
        var ttft = later.TimeToFirstToken.Since(earlier.TimeToFirstToken);
        var itl = later.InterTokenLatency.Since(earlier.InterTokenLatency);
        return new FrontendObservation(
            seconds,
            requests / seconds,
            later.InputTokens.Since(earlier.InputTokens).Mean,
            later.OutputTokens.Since(earlier.OutputTokens).Mean,
            Ms(ttft.Quantile(0.5)),
            Ms(ttft.Quantile(0.9)),
            Ms(itl.Quantile(0.5)),
            Ms(itl.Quantile(0.9)),
            later.QueuedRequests);
    }

    private static double? Ms(double? seconds) => seconds * 1000;
}
