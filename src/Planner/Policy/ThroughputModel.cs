using System.Globalization;
using Dynamo.Abstractions.Planner;

namespace Dynamo.Planner.Policy;

/// <summary>
/// The throughput mode's replica math: a predicted load through the engine's profile to the workers each pool
/// needs for the TTFT and ITL targets.
/// <list type="bullet">
/// <item>Prefill: a worker prefills one prompt of the predicted input length in <c>s</c> (the profile). It is loaded
/// only up to the utilisation at which an M/D/1 queue's mean wait still fits in what the TTFT target leaves after
/// the prefill itself, <c>ρ = 2(T − s) / (2T − s)</c>, so it takes <c>ρ / s</c> requests a second.</item>
/// <item>Decode: the largest batch whose ITL meets the target at the mean context (input plus half the output),
/// within the KV capacity, decodes <c>batch / ITL</c> tokens a second; the load is rate × output length.</item>
/// <item>A disaggregated pool needs its own fraction, rounded up.</item>
/// <item>An aggregated worker does both, and its prefills stall its decoding: at prefill utilisation <c>u</c> a sequence's
/// mean gap is the decode step over <c>1 − u</c>. So its pool is the fewest workers at which each, prefilling its share
/// (<c>u ≤ ρ</c>), still decodes its share of the tokens in the time left, <c>(1 − u)</c>, at the largest batch whose step
/// fits the ITL target times <c>1 − u</c>. Adding the two fractions instead would plan every decode step at the target
/// and miss it by the stalls.</item>
/// </list>
/// </summary>
internal sealed class ThroughputModel(PerformanceProfile profile, double ttftTargetMs, double itlTargetMs)
{
    // Fractions this close above a whole number are rounding, not a worker.
    private const double Slack = 1e-6;

    public ThroughputEstimate Estimate(LoadForecast load)
    {
        var notes = new List<string>();
        var inputTokens = Math.Max(1, (int)Math.Round(load.InputTokens));
        var outputTokens = Math.Max(1, load.OutputTokens);

        var prefillMs = ProfileMath.PrefillMs(profile, inputTokens);
        double utilisation = 1;
        if (prefillMs < ttftTargetMs)
            utilisation = 2 * (ttftTargetMs - prefillMs) / (2 * ttftTargetMs - prefillMs);
        else
            notes.Add(Inv($"TTFT target {ttftTargetMs} ms cannot be met: a {inputTokens}-token prefill alone takes {prefillMs:0.#} ms"));
        var prefillPerWorker = utilisation * 1000 / Math.Max(prefillMs, 1e-3);

        var context = (int)Math.Round(inputTokens + outputTokens / 2);
        var batch = ProfileMath.MaxBatch(profile, itlTargetMs, context);
        if (batch == 0)
        {
            notes.Add(Inv($"ITL target {itlTargetMs} ms cannot be met at context {context}: one sequence alone takes {ProfileMath.ItlMs(profile, 1, context):0.#} ms"));
            batch = 1;
        }
        var decodePerWorker = batch * 1000 / Math.Max(ProfileMath.ItlMs(profile, batch, context), 1e-3);
        var prefillWorkers = load.RequestRate / prefillPerWorker;
        var decodeWorkers = load.RequestRate * outputTokens / decodePerWorker;

        return new ThroughputEstimate(
            prefillWorkers,
            decodeWorkers,
            Aggregated(load.RequestRate, outputTokens, prefillMs, utilisation, context) ?? Whole(prefillWorkers + decodeWorkers),
            prefillPerWorker,
            decodePerWorker,
            batch,
            notes);
    }

    // More workers than this for one pool is no plan: the targets are out of reach, and the fractions' sum says so.
    private const int MostAggregatedWorkers = 4096;

    /// <summary>The fewest aggregated workers that prefill and decode their shares within both targets; null when no count does.</summary>
    private int? Aggregated(double rate, double outputTokens, double prefillMs, double utilisation, int context)
    {
        if (rate <= 0)
            return 0;
        for (var workers = 1; workers <= MostAggregatedWorkers; workers++)
        {
            var share = rate / workers;
            var prefilling = share * prefillMs / 1000;
            if (prefilling > utilisation + Slack || prefilling >= 1)
                continue;
            var batch = ProfileMath.MaxBatch(profile, itlTargetMs * (1 - prefilling), context);
            if (batch > 0 && (1 - prefilling) * batch * 1000 / Math.Max(ProfileMath.ItlMs(profile, batch, context), 1e-3) >= share * outputTokens * (1 - Slack))
                return workers;
        }
        return null;
    }

    /// <summary>The workers <paramref name="pool"/> needs for the estimate.</summary>
    public static int Replicas(string pool, ThroughputEstimate estimate) => Whole(pool switch
    {
        PlannerPools.Prefill => estimate.PrefillWorkers,
        PlannerPools.Decode => estimate.DecodeWorkers,
        _ => estimate.AggregatedWorkers,
    });

    private static int Whole(double workers) => (int)Math.Min(int.MaxValue / 2, Math.Ceiling(Math.Max(0, workers - Slack)));

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Workers' worth of prefill and of decode at the predicted load, the aggregated workers for both, and what one worker does.</summary>
/// <param name="AggregatedWorkers">Workers that do both: more than the two fractions' sum where prefill stalls cost the ITL target.</param>
/// <param name="PrefillPerWorker">Requests a second one worker prefills within the TTFT target.</param>
/// <param name="DecodePerWorker">Tokens a second one worker decodes within the ITL target.</param>
/// <param name="Batch">The batch that rate assumes.</param>
internal sealed record ThroughputEstimate(double PrefillWorkers, double DecodeWorkers, int AggregatedWorkers, double PrefillPerWorker, double DecodePerWorker, int Batch, IReadOnlyList<string> Notes);
