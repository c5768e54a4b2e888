namespace Dynamo.Planner.Inputs;

/// <summary>
/// What the frontend saw over one interval, from the difference of two samples: requests that arrived per second,
/// the mean input and output lengths and the TTFT and ITL percentiles of those that finished, and its queue at the
/// end. Lengths and latencies are null when no request finished.
/// </summary>
/// <param name="RequestRate">
/// Arrivals: the requests finished plus the change in those in flight. Finished requests alone lag the demand, and
/// under overload they are only what the workers there manage, so a planner reading them would never see the need.
/// </param>
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
        var restarted = later.Requests < earlier.Requests;
        var finished = restarted ? later.Requests : later.Requests - earlier.Requests;
        var arrived = Math.Max(0, finished + later.InflightRequests - (restarted ? 0 : earlier.InflightRequests));
        var ttft = later.TimeToFirstToken.Since(earlier.TimeToFirstToken);
        var itl = later.InterTokenLatency.Since(earlier.InterTokenLatency);
        return new FrontendObservation(
            seconds,
            arrived / seconds,
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
