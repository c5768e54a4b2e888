namespace Dynamo.Planner;

/// <summary>The worker pools the planner sizes, by the role their workers register with.</summary>
public static class PlannerPools
{
    /// <summary>Workers that prefill and decode (role <c>both</c>).</summary>
    public const string Aggregated = "aggregated";

    public const string Prefill = "prefill";

    public const string Decode = "decode";

    public static IReadOnlyList<string> All { get; } = [Aggregated, Prefill, Decode];

    /// <summary>The pool a worker of this role belongs to.</summary>
    public static string Of(Runtime.Workers.WorkerRole role) => role switch
    {
        Runtime.Workers.WorkerRole.Prefill => Prefill,
        Runtime.Workers.WorkerRole.Decode => Decode,
        _ => Aggregated,
    };
}
