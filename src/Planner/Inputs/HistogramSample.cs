namespace Dynamo.Planner.Inputs;

/// <summary>A Prometheus histogram's cumulative buckets (by upper bound, ascending, +Inf last), sum and count.</summary>
internal sealed record HistogramSample(IReadOnlyList<HistogramBucket> Buckets, double Sum, double Count)
{
    public static readonly HistogramSample Empty = new([], 0, 0);

    public double? Mean => Count > 0 ? Sum / Count : null;

    /// <summary>
    /// The series <c>NAME_bucket</c>, <c>NAME_sum</c> and <c>NAME_count</c> of the samples <paramref name="include"/> accepts,
    /// summed across the rest of their labels (several frontends, endpoints).
    /// </summary>
    public static HistogramSample From(IEnumerable<MetricSample> samples, string name, Func<MetricSample, bool> include)
    {
        var buckets = new SortedDictionary<double, double>();
        double sum = 0, count = 0;
        foreach (var sample in samples.Where(include))
        {
            if (sample.Name == name + "_bucket" && PrometheusText.ParseValue(sample.Label("le") ?? "") is { } le)
                buckets[le] = buckets.GetValueOrDefault(le) + sample.Value;
            else if (sample.Name == name + "_sum")
                sum += sample.Value;
            else if (sample.Name == name + "_count")
                count += sample.Value;
        }
        return new HistogramSample([.. buckets.Select(b => new HistogramBucket(b.Key, b.Value))], sum, count);
    }

    /// <summary>What was observed since <paramref name="earlier"/>; all of this when the series was reset meanwhile (a restart).</summary>
    public HistogramSample Since(HistogramSample earlier)
    {
        if (Count < earlier.Count)
            return this;
        var before = earlier.Buckets.ToDictionary(b => b.UpperBound, b => b.Count);
        var buckets = Buckets.Select(b => new HistogramBucket(b.UpperBound, b.Count - before.GetValueOrDefault(b.UpperBound))).ToList();
        return buckets.Any(b => b.Count < 0) ? this : new HistogramSample(buckets, Sum - earlier.Sum, Count - earlier.Count);
    }

    /// <summary>
    /// The <paramref name="q"/>-quantile as Prometheus' <c>histogram_quantile</c> estimates it: linear within the
    /// bucket that holds it, the highest finite bound when it falls in +Inf. Null when nothing was observed.
    /// </summary>
    public double? Quantile(double q)
    {
        var total = Buckets.Count > 0 ? Buckets[^1].Count : 0;
        if (total <= 0)
            return null;
        var rank = q * total;
        double lower = 0, below = 0;
        foreach (var bucket in Buckets)
        {
            if (bucket.Count >= rank)
            {
                if (double.IsPositiveInfinity(bucket.UpperBound))
                    return lower;
                var inBucket = bucket.Count - below;
                return inBucket <= 0 ? bucket.UpperBound : lower + (bucket.UpperBound - lower) * (rank - below) / inBucket;
            }
            (lower, below) = (bucket.UpperBound, bucket.Count);
        }
        return lower;
    }
}

/// <param name="Count">Observations at or below <paramref name="UpperBound"/> (cumulative, as exposed).</param>
internal readonly record struct HistogramBucket(double UpperBound, double Count);
