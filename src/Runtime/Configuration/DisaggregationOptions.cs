using Dynamo.Runtime.Workers;
using Microsoft.Extensions.Configuration;

namespace Dynamo.Runtime.Configuration;

/// <summary>
/// A model's <c>Disaggregation</c> section (Dynamo's conditional disaggregation): a prompt goes to a
/// prefill worker when the decode worker chosen for it would prefill more than
/// <see cref="MaxLocalPrefillLength"/> uncached tokens and the prefill workers' queue is under
/// <see cref="MaxPrefillQueueTokens"/>; otherwise the decode worker prefills it itself.
/// </summary>
/// <param name="PrefillReplicas">In-process prefill workers beside the model's <c>Replicas</c> (which then decode); remote ones register with <c>--role prefill</c>.</param>
/// <param name="TransferGbps">The bandwidth the request trace's transfer estimate assumes, in gigabits per second.</param>
public sealed record DisaggregationOptions(int PrefillReplicas, int MaxLocalPrefillLength, long MaxPrefillQueueTokens, double TransferGbps)
{
    public const int DefaultMaxLocalPrefillLength = 512;

    /// <summary>The model's section; null when it has none (only roles registered by remote workers then decide).</summary>
    public static DisaggregationOptions? From(IConfigurationSection model)
    {
        var section = model.GetSection("Disaggregation");
        return section.Exists()
            ? new DisaggregationOptions(section.GetValue("PrefillReplicas", 0), section.GetValue("MaxLocalPrefillLength", DefaultMaxLocalPrefillLength),
                section.GetValue("MaxPrefillQueueTokens", long.MaxValue), section.GetValue("TransferGbps", 25.0))
            : null;
    }

    /// <summary>What a model without the section does when prefill workers register: Dynamo's defaults.</summary>
    public static DisaggregationOptions Default { get; } = new(0, DefaultMaxLocalPrefillLength, long.MaxValue, 25);

    public string? Problem() =>
        PrefillReplicas < 0 ? $"'Disaggregation:PrefillReplicas' must be 0 or more, got {PrefillReplicas}."
        : MaxLocalPrefillLength < 0 ? $"'Disaggregation:MaxLocalPrefillLength' must be 0 or more, got {MaxLocalPrefillLength}."
        : MaxPrefillQueueTokens < 0 ? $"'Disaggregation:MaxPrefillQueueTokens' must be 0 or more, got {MaxPrefillQueueTokens}."
        : TransferGbps <= 0 ? $"'Disaggregation:TransferGbps' must be positive, got {TransferGbps}."
        : null;

    /// <summary>Parses a worker role as <c>--role</c> and <c>Role</c> spell it.</summary>
    public static WorkerRole Role(string? text, string where) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" or "both" => WorkerRole.Both,
        "prefill" => WorkerRole.Prefill,
        "decode" => WorkerRole.Decode,
        var other => throw new DynamoConfigurationException($"{where} must be prefill, decode or both, got '{other}'."),
    };
}
