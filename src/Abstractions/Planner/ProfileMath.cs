namespace Dynamo.Abstractions.Planner;

/// <summary>
/// Reads a <see cref="PerformanceProfile"/> between its measured points, as the planner needs it. Prefill is
/// linear in the input length and extended along its last segment beyond the longest prompt measured (attention
/// makes it grow at least that fast); inter-token latency is bilinear over the batch × context grid and clamped to
/// it, since a real engine's ITL beyond the largest batch measured is not a line (the KV cache or the batch cap
/// stops it first).
/// </summary>
public static class ProfileMath
{
    /// <summary>Time to first token of one request of <paramref name="inputTokens"/> alone, in milliseconds.</summary>
    /// <remarks>A prompt shorter than the shortest measured costs what that one did: the fixed part of a step dominates there.</remarks>
    /// <exception cref="ArgumentException">The profile has no prefill points.</exception>
    public static double PrefillMs(PerformanceProfile profile, int inputTokens)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var points = profile.Prefill.OrderBy(p => p.InputTokens).ToArray();
        if (points.Length == 0)
            throw new ArgumentException("The profile has no prefill points.", nameof(profile));
        var first = points[0];
        if (inputTokens <= first.InputTokens)
            return first.TimeMs;
        if (points.Length == 1)
            return first.TimeMs * inputTokens / first.InputTokens; // one point: proportional, the only line it gives
        var at = 1;
        while (at < points.Length - 1 && points[at].InputTokens < inputTokens)
            at++;
        var (a, b) = (points[at - 1], points[at]);
        var slope = (b.TimeMs - a.TimeMs) / Math.Max(1, b.InputTokens - a.InputTokens);
        // Beyond the last point a noisy last segment must not make longer prompts cheaper.
        return inputTokens > b.InputTokens
            ? b.TimeMs + Math.Max(slope, 0) * (inputTokens - b.InputTokens)
            : a.TimeMs + slope * (inputTokens - a.InputTokens);
    }

    /// <summary>Prefill throughput of one request of <paramref name="inputTokens"/> alone, in tokens per second.</summary>
    public static double PrefillTokensPerSecond(PerformanceProfile profile, int inputTokens)
    {
        var ms = PrefillMs(profile, inputTokens);
        return ms > 0 ? inputTokens * 1000.0 / ms : double.PositiveInfinity;
    }

    /// <summary>
    /// Inter-token latency of <paramref name="batch"/> sequences decoding together, each of <paramref name="contextTokens"/>,
    /// in milliseconds: linear in batch within each measured context length (clamped to the batches measured there),
    /// then linear between the two context lengths around <paramref name="contextTokens"/> (clamped to the grid).
    /// </summary>
    /// <exception cref="ArgumentException">The profile has no decode points.</exception>
    public static double ItlMs(PerformanceProfile profile, int batch, int contextTokens) => Grid(profile).Itl(batch, contextTokens);

    /// <summary>
    /// The largest batch whose every size up to it keeps ITL within <paramref name="itlTargetMs"/> at
    /// <paramref name="contextTokens"/>; 0 when even one sequence misses it. Never more than the largest batch
    /// measured, nor than the KV cache holds sequences of that context.
    /// </summary>
    public static int MaxBatch(PerformanceProfile profile, double itlTargetMs, int contextTokens)
    {
        var grid = Grid(profile);
        var limit = grid.LargestBatch;
        if (profile.KvCapacityTokens > 0)
            limit = (int)Math.Min(limit, profile.KvCapacityTokens / Math.Max(1, contextTokens));
        // Upwards and stopping at the first miss: a noisy dip past a miss is no batch to plan on.
        var batch = 0;
        while (batch < limit && grid.Itl(batch + 1, contextTokens) <= itlTargetMs)
            batch++;
        return batch;
    }

    private static DecodeGrid Grid(PerformanceProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (profile.Decode.Count == 0)
            throw new ArgumentException("The profile has no decode points.", nameof(profile));
        return new DecodeGrid([.. profile.Decode.GroupBy(p => p.ContextTokens).OrderBy(g => g.Key)
            .Select(g => (g.Key, g.OrderBy(p => p.Batch).ToArray()))]);
    }

    /// <summary>The decode points as rows of one context length each, ascending; a row may stop short of the others (the KV cache was full).</summary>
    private sealed record DecodeGrid((int Context, DecodePoint[] Points)[] Rows)
    {
        public int LargestBatch => Rows.Max(r => r.Points[^1].Batch);

        public double Itl(int batch, int context)
        {
            if (context <= Rows[0].Context)
                return Row(Rows[0].Points, batch);
            if (context >= Rows[^1].Context)
                return Row(Rows[^1].Points, batch);
            var at = 1;
            while (Rows[at].Context < context)
                at++;
            var (low, high) = (Rows[at - 1], Rows[at]);
            var t = (double)(context - low.Context) / (high.Context - low.Context);
            return Lerp(Row(low.Points, batch), Row(high.Points, batch), t);
        }

        private static double Row(DecodePoint[] points, int batch)
        {
            if (batch <= points[0].Batch)
                return points[0].ItlMs;
            if (batch >= points[^1].Batch)
                return points[^1].ItlMs;
            var at = 1;
            while (points[at].Batch < batch)
                at++;
            var (a, b) = (points[at - 1], points[at]);
            return Lerp(a.ItlMs, b.ItlMs, (double)(batch - a.Batch) / (b.Batch - a.Batch));
        }

        private static double Lerp(double a, double b, double t) => a + (b - a) * t;
    }
}
