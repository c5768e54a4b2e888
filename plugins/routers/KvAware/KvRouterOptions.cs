using Microsoft.Extensions.Configuration;

namespace Dynamo.Routers.KvAware;

/// <summary>The <c>kv</c> router's weights (Dynamo's names and defaults).</summary>
internal sealed record KvRouterOptions
{
    /// <summary>Weight of the prompt blocks a worker would still have to prefill.</summary>
    public double PrefillLoadScale { get; init; } = 1.0;

    /// <summary>How much one cached block of overlap takes off the prefill cost.</summary>
    public double OverlapCredit { get; init; } = 1.0;

    /// <summary>Credit for a block the worker holds in host memory right after its device prefix, as a share of a device block's.</summary>
    public double HostOverlapWeight { get; init; } = 0.5;

    /// <summary>The same for a block on the worker's disk tier.</summary>
    public double DiskOverlapWeight { get; init; } = 0.25;

    /// <summary>Weight of the KV blocks a worker holds for requests past their prefill.</summary>
    public double DecodeLoadScale { get; init; } = 0.5;

    /// <summary>Weight of a worker's active requests.</summary>
    public double DecodeActiveRequestWeight { get; init; }

    /// <summary>0 picks the cheapest worker (ties at random); above 0 samples from a softmax over the normalised negative costs.</summary>
    public double Temperature { get; init; }

    /// <summary>
    /// Whether the index follows the workers' KV events (true), or predicts each worker's cache from
    /// this router's own decisions (false: Dynamo's approximate mode, for engines without events).
    /// </summary>
    public bool UseKvEvents { get; init; } = true;

    /// <summary>In approximate mode, how long a routed prompt's blocks count as cached on its worker after their last use.</summary>
    public double PredictedTtlSeconds { get; init; } = 120;

    /// <summary>Seed of the tie-breaking and sampling generator; random when unset.</summary>
    public int? Seed { get; init; }

    public static KvRouterOptions From(IConfiguration configuration)
    {
        var options = configuration.Get<KvRouterOptions>(o => o.ErrorOnUnknownConfiguration = false) ?? new KvRouterOptions();
        if (options.PrefillLoadScale < 0 || options.DecodeLoadScale < 0 || options.OverlapCredit < 0 || options.DecodeActiveRequestWeight < 0 || options.Temperature < 0
            || options.HostOverlapWeight is < 0 or > 1 || options.DiskOverlapWeight is < 0 or > 1 || !(options.PredictedTtlSeconds > 0))
            throw new ArgumentException("PrefillLoadScale, DecodeLoadScale, OverlapCredit, DecodeActiveRequestWeight and Temperature must not be negative; HostOverlapWeight and DiskOverlapWeight must be between 0 and 1; PredictedTtlSeconds must be positive.");
        return options;
    }
}
