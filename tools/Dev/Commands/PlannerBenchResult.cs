using System.Text.Json.Serialization;

namespace Dynamo.Dev.Commands;

/// <summary>
/// <c>bench planner --json</c>: the same load ramp served by a fixed pool sized for its mean rate and by the planner,
/// and the planner's SLA attainment and worker-seconds against the fixed pool's.
/// </summary>
/// <param name="FixedWorkers">The fixed pool's size: what the planner's own throughput model asks for at the ramp's mean rate (or <c>--fixed-workers</c>).</param>
/// <param name="WorkerSecondsRatio">Planner worker-seconds over the fixed pool's.</param>
/// <param name="AttainmentDifference">Planner attainment minus the fixed pool's, in points of share (0.25 is 25 points).</param>
internal sealed record PlannerBenchResult(
    int FixedWorkers,
    PlannerBenchRun Fixed,
    PlannerBenchRun Planner,
    double WorkerSecondsRatio,
    double AttainmentDifference,
    IReadOnlyList<PlannerBenchSlice> Timeline);

/// <summary>One run of <c>bench planner</c>, over the measured trace (the warm-up excluded).</summary>
/// <param name="Mode"><c>fixed</c> or <c>planner</c>.</param>
/// <param name="Attained">Requests whose TTFT and mean ITL both met the targets; failed requests count as missed.</param>
/// <param name="WorkerSeconds">The integral of live worker processes (starting and draining included) over the measured window.</param>
/// <param name="MeanWorkers">Worker-seconds over the window's seconds.</param>
internal sealed record PlannerBenchRun(
    string Mode,
    int Requests,
    int Attained,
    double Attainment,
    double TtftP50Ms,
    double TtftP90Ms,
    double TtftP99Ms,
    double ItlP50Ms,
    double ItlP90Ms,
    double ItlP99Ms,
    int Errors,
    double WorkerSeconds,
    double MeanWorkers,
    int MaxWorkers,
    double WindowSeconds);

/// <summary>A slice of the measured trace: the offered rate, and per run the workers alive and the share of the slice's requests that met both targets.</summary>
internal sealed record PlannerBenchSlice(double FromSeconds, double RequestRate, double FixedWorkers, double FixedAttainment, double PlannerWorkers, double PlannerAttainment);

/// <summary>The JSON of <see cref="PlannerBenchResult"/>, snake_case; a percentile of no samples is written as "NaN".</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(PlannerBenchResult))]
internal sealed partial class PlannerBenchJson : JsonSerializerContext;
