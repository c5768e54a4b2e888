using System.Globalization;
using Dynamo.Planner.Inputs;

namespace Dynamo.Planner.Policy;

/// <summary>One interval's decision: what was seen, what is expected, and each pool's target.</summary>
/// <param name="Notes">What the log should say besides (a target the profile says cannot be met).</param>
internal sealed record PlannerDecision(DateTimeOffset Time, FrontendObservation? Observed, LoadForecast? Forecast, IReadOnlyList<PoolDecision> Pools, IReadOnlyList<string> Notes)
{
    public PoolDecision this[string pool] => Pools.Single(p => p.Pool == pool);

    public bool Changes => Pools.Any(p => p.Target != p.Current);

    /// <summary>The decision as one log line.</summary>
    public string Describe()
    {
        var text = new System.Text.StringBuilder();
        if (Observed is { } o)
            text.Append(Inv($"observed {o.RequestRate:0.###} req/s, ISL {o.MeanInputTokens:0.#}, OSL {o.MeanOutputTokens:0.#}, TTFT p50/p90 {o.TtftP50Ms:0.#}/{o.TtftP90Ms:0.#} ms, ITL p50/p90 {o.ItlP50Ms:0.#}/{o.ItlP90Ms:0.#} ms, queued {o.QueuedRequests:0}; "));
        else
            text.Append("no frontend metrics; ");
        if (Forecast is { } f)
            text.Append(Inv($"predicted {f.RequestRate:0.###} req/s, ISL {f.InputTokens:0.#}, OSL {f.OutputTokens:0.#}; "));
        text.AppendJoin("; ", Pools.Select(p =>
            Inv($"{p.Pool} {p.Current} -> {p.Target} (throughput {p.Throughput?.ToString(CultureInfo.InvariantCulture) ?? "-"}, load {p.Load?.ToString(CultureInfo.InvariantCulture) ?? "-"}, recommended {p.Recommended}: {p.Reason})")));
        foreach (var note in Notes)
            text.Append("; ").Append(note);
        return text.ToString();
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
