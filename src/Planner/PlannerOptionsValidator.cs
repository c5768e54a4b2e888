using Microsoft.Extensions.Options;

namespace Dynamo.Planner;

/// <summary>Checks <see cref="PlannerOptions"/> at start (<c>ValidateOnStart</c>), naming the key to change.</summary>
internal sealed class PlannerOptionsValidator : IValidateOptions<PlannerOptions>
{
    private const string S = PlannerOptions.Section;

    public ValidateOptionsResult Validate(string? name, PlannerOptions o)
    {
        var failures = new List<string>();
        if (!(o.AdjustmentIntervalSeconds > 0 && double.IsFinite(o.AdjustmentIntervalSeconds)))
            failures.Add($"'{S}:AdjustmentIntervalSeconds' must be a positive number of seconds, got {o.AdjustmentIntervalSeconds}.");
        if (!(o.ScaleDownCooldownSeconds >= 0 && double.IsFinite(o.ScaleDownCooldownSeconds)))
            failures.Add($"'{S}:ScaleDownCooldownSeconds' must be 0 or more seconds, got {o.ScaleDownCooldownSeconds}.");
        if (!(o.TtftTargetMs > 0) || !(o.ItlTargetMs > 0))
            failures.Add($"'{S}:TtftTargetMs' and '{S}:ItlTargetMs' must be positive, got {o.TtftTargetMs} and {o.ItlTargetMs}.");
        foreach (var (key, url) in new[] { ("MetricsUrl", o.MetricsUrl), ("PrometheusUrl", o.PrometheusUrl) })
            if (url is not null && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
                failures.Add($"'{S}:{key}' must be an http(s) URL such as http://127.0.0.1:8000/metrics, got '{url}'.");
        if (o.Mode != PlannerMode.Load)
        {
            if (o.ProfilePath is null)
                failures.Add($"The {Mode(o.Mode)} mode needs '{S}:ProfilePath', the engine's profile (dynamo-dev profile writes one), or use \"Mode\": \"load\".");
            else if (!File.Exists(o.ProfilePath))
                failures.Add($"'{S}:ProfilePath': '{o.ProfilePath}' does not exist.");
            if (o.MetricsUrl is null && o.PrometheusUrl is null)
                failures.Add($"The {Mode(o.Mode)} mode needs the frontend's load: set '{S}:MetricsUrl' (its /metrics) or '{S}:PrometheusUrl'.");
        }

        var names = o.Pools.Select(p => p.Name).ToList();
        foreach (var unknown in names.Where(n => !PlannerPools.All.Contains(n)))
            failures.Add($"'{S}:Pools:{unknown}' is not a pool: they are {string.Join(", ", PlannerPools.All.Select(p => $"'{p}'"))}.");
        if (names.Contains(PlannerPools.Aggregated) ? names.Count != 1 : !(names.Contains(PlannerPools.Prefill) && names.Contains(PlannerPools.Decode)))
            failures.Add($"'{S}:Pools' must be '{PlannerPools.Aggregated}' alone or both '{PlannerPools.Prefill}' and '{PlannerPools.Decode}', got {string.Join(", ", names.Select(n => $"'{n}'"))}.");
        foreach (var pool in o.Pools)
        {
            if (pool.MinReplicas < 0)
                failures.Add($"'{S}:Pools:{pool.Name}:MinReplicas' must be 0 or more, got {pool.MinReplicas}.");
            if (pool.MaxReplicas < Math.Max(1, pool.MinReplicas))
                failures.Add($"'{S}:Pools:{pool.Name}:MaxReplicas' must be at least 1 and at least MinReplicas ({pool.MinReplicas}), got {pool.MaxReplicas} (set it, or '{S}:MaxTotalWorkers').");
        }
        if (o.MaxTotalWorkers is { } budget && (budget < 1 || budget < o.Pools.Sum(p => p.MinReplicas)))
            failures.Add($"'{S}:MaxTotalWorkers' must be at least 1 and at least the pools' MinReplicas together ({o.Pools.Sum(p => p.MinReplicas)}), got {budget}.");

        var load = o.Load;
        if (!(load.KvUtilizationLow >= 0 && load.KvUtilizationLow < load.KvUtilizationHigh && load.KvUtilizationHigh <= 1))
            failures.Add($"'{S}:Load:KvUtilizationLow' and 'KvUtilizationHigh' must satisfy 0 <= low < high <= 1, got {load.KvUtilizationLow} and {load.KvUtilizationHigh}.");
        if (!(load.QueueDepthLow >= 0 && load.QueueDepthLow < load.QueueDepthHigh && double.IsFinite(load.QueueDepthHigh)))
            failures.Add($"'{S}:Load:QueueDepthLow' and 'QueueDepthHigh' must satisfy 0 <= low < high, got {load.QueueDepthLow} and {load.QueueDepthHigh}.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static string Mode(PlannerMode mode) => mode.ToString().ToLowerInvariant();
}
