using System.Text.Json.Serialization;

namespace Dynamo.Dev.Commands;

/// <summary>
/// <c>bench disagg --json</c>: the same mixed workload aggregated and disaggregated, and the ratios
/// disaggregated / aggregated of the steady decoders' inter-token latency and the long prompts' TTFT.
/// </summary>
internal sealed record DisaggBenchResult(
    DisaggBenchRun Aggregated,
    DisaggBenchRun Disaggregated,
    double DecoderItlP50Ratio,
    double DecoderItlP99Ratio,
    double LongTtftP50Ratio,
    double LongTtftP99Ratio);

/// <summary>One run of <c>bench disagg</c>; times are wall-clock milliseconds as the client saw them (simulated time divided by the speedup).</summary>
/// <param name="Mode"><c>aggregated</c> or <c>disaggregated</c>.</param>
/// <param name="DecoderTokenGaps">Gaps between the steady decoders' tokens inside the measured window (from the first long prompt's arrival to the last one's end).</param>
/// <param name="LongPrefilledRemotely">Long prompts the request trace shows prefilled on a prefill worker rather than on the worker that decoded them.</param>
/// <param name="LongTraced">Long prompts the request trace recorded (the share's denominator).</param>
internal sealed record DisaggBenchRun(
    string Mode,
    int DecodeWorkers,
    int PrefillWorkers,
    int DecoderRequests,
    int DecoderTokenGaps,
    double DecoderItlP50Ms,
    double DecoderItlP90Ms,
    double DecoderItlP99Ms,
    int LongRequests,
    double LongTtftP50Ms,
    double LongTtftP90Ms,
    double LongTtftP99Ms,
    int LongPrefilledRemotely,
    int LongTraced,
    double LongRemoteShare,
    int Errors,
    double WallSeconds);

/// <summary>
/// The JSON of <see cref="DisaggBenchResult"/>, in the tools' style (snake_case); a percentile of no samples is written as "NaN", never a failure.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(DisaggBenchResult))]
internal sealed partial class DisaggBenchJson : JsonSerializerContext;
