using Dynamo.Abstractions.Planner;

namespace Dynamo.Planner.Tests;

/// <summary>Profiles whose curves are simple enough to work the replica math out by hand.</summary>
internal static class TestProfiles
{
    /// <summary>
    /// Prefill 0.1 ms per input token (1000 tokens: 100 ms); ITL 10 ms + 0.5 ms per sequence in the batch, at any
    /// context, measured up to a batch of 64. At a 30 ms ITL target a worker decodes 40 sequences (40 / 30 ms =
    /// 1333 tokens/s); at a 500 ms TTFT target it prefills 1000-token prompts at 2·400/900 / 100 ms = 8.89 a second.
    /// </summary>
    public static PerformanceProfile Linear(long kvCapacityTokens = 1_000_000) => new(
        "mocker",
        "test",
        16,
        kvCapacityTokens,
        [new PrefillPoint(100, 10), new PrefillPoint(1000, 100), new PrefillPoint(4000, 400)],
        [.. new[] { 512, 4096 }.SelectMany(context => new[] { 1, 8, 16, 32, 64 }.Select(batch => new DecodePoint(batch, context, 10 + 0.5 * batch)))]);

    public const double TtftTargetMs = 500;
    public const double ItlTargetMs = 30;
}
