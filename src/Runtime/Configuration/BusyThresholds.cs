using Microsoft.Extensions.Configuration;

namespace Dynamo.Runtime.Configuration;

/// <summary>
/// A model's busy thresholds (Dynamo's <c>--active-decode-blocks-threshold</c> and kin): a worker is
/// busy when it is over any one that is set. When every worker is busy a new request is refused
/// with 529 (<see cref="BusyMode.Reject"/>) or waits in the priority queue (<see cref="BusyMode.Queue"/>).
/// </summary>
/// <param name="ActiveDecodeBlocks">Share of the worker's KV blocks in use by running requests (0 to 1).</param>
/// <param name="ActivePrefillTokens">Prompt tokens the worker still has to prefill.</param>
/// <param name="ActivePrefillTokensFrac">The same as a share of the worker's context length (above 1 allowed).</param>
public sealed record BusyThresholds(double? ActiveDecodeBlocks, long? ActivePrefillTokens, double? ActivePrefillTokensFrac, BusyMode Mode = BusyMode.Reject)
{
    public static readonly BusyThresholds None = new(null, null, null);

    public bool Any => ActiveDecodeBlocks is not null || ActivePrefillTokens is not null || ActivePrefillTokensFrac is not null;

    public static BusyThresholds? From(IConfigurationSection section) => !section.Exists() ? null : new BusyThresholds(
        section.GetValue<double?>("ActiveDecodeBlocks"),
        section.GetValue<long?>("ActivePrefillTokens"),
        section.GetValue<double?>("ActivePrefillTokensFrac"),
        ParseMode(section["Mode"] ?? "reject") ?? throw new DynamoConfigurationException($"'{section.Path}:Mode' must be \"reject\" or \"queue\", got '{section["Mode"]}'."));

    public static BusyMode? ParseMode(string mode) => mode switch { "reject" => BusyMode.Reject, "queue" => BusyMode.Queue, _ => null };

    /// <summary>What is wrong with these values, or null.</summary>
    public string? Problem() =>
        ActiveDecodeBlocks is { } d && !(d > 0 && d <= 1) ? $"ActiveDecodeBlocks (a share of the KV blocks) must be above 0 and at most 1, got {d}."
        : ActivePrefillTokens is < 1 ? $"ActivePrefillTokens must be at least 1, got {ActivePrefillTokens}."
        : ActivePrefillTokensFrac is { } f && !(f > 0 && double.IsFinite(f)) ? $"ActivePrefillTokensFrac must be above 0, got {f}."
        : null;
}

/// <summary>What a model does when every worker is busy.</summary>
public enum BusyMode
{
    /// <summary>Refuse the request with HTTP 529.</summary>
    Reject,
    /// <summary>Hold it in the frontend's priority queue until a worker is not busy.</summary>
    Queue,
}
