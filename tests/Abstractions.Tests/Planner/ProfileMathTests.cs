using Dynamo.Abstractions.Planner;

namespace Dynamo.Abstractions.Tests.Planner;

/// <summary>The planner's reading of a profile, on profiles built by hand whose answers can be worked out on paper.</summary>
public sealed class ProfileMathTests
{
    // Prefill 10 ms + 0.1 ms a token up to 1024, then steeper (0.2 ms a token) to 2048.
    private static readonly PrefillPoint[] Prefill = [new(128, 22.8), new(512, 61.2), new(1024, 112.4), new(2048, 317.2)];

    // ITL = 10 + batch at context 1000, and twice that at context 3000; the longer context stops at batch 8 (KV full).
    private static readonly DecodePoint[] Decode =
    [
        new(1, 1000, 11), new(2, 1000, 12), new(4, 1000, 14), new(8, 1000, 18), new(16, 1000, 26),
        new(1, 3000, 22), new(2, 3000, 24), new(4, 3000, 28), new(8, 3000, 36),
    ];

    private static PerformanceProfile Profile(long kvCapacityTokens = 1_000_000) =>
        new("test", "model", 16, kvCapacityTokens, Prefill, Decode);

    [Theory]
    [InlineData(128, 22.8)]    // a measured point
    [InlineData(320, 42.0)]    // halfway between 128 and 512
    [InlineData(1536, 214.8)]  // halfway between 1024 and 2048
    [InlineData(4096, 726.8)]  // beyond the last point, along the last segment (0.2 ms a token)
    [InlineData(16, 22.8)]     // below the first point: the shortest's time
    public void Prefill_is_linear_between_points_and_extended_along_the_last_segment(int tokens, double expected) =>
        Assert.Equal(expected, ProfileMath.PrefillMs(Profile(), tokens), 6);

    [Fact]
    public void Prefill_points_out_of_order_read_the_same()
    {
        var shuffled = Profile() with { Prefill = [Prefill[2], Prefill[0], Prefill[3], Prefill[1]] };
        Assert.Equal(ProfileMath.PrefillMs(Profile(), 700), ProfileMath.PrefillMs(shuffled, 700), 9);
    }

    [Fact]
    public void Beyond_the_last_point_a_falling_segment_never_makes_longer_prompts_cheaper()
    {
        var noisy = Profile() with { Prefill = [new(128, 20), new(256, 30), new(512, 28)] };
        Assert.Equal(28, ProfileMath.PrefillMs(noisy, 4096), 9);
    }

    [Fact]
    public void Prefill_throughput_is_tokens_over_time()
    {
        Assert.Equal(1024 / 0.1124, ProfileMath.PrefillTokensPerSecond(Profile(), 1024), 6);
        Assert.Equal(320 / 0.042, ProfileMath.PrefillTokensPerSecond(Profile(), 320), 6);
    }

    [Theory]
    [InlineData(4, 1000, 14)]   // a grid point
    [InlineData(3, 1000, 13)]   // between batches
    [InlineData(12, 1000, 22)]  // between batches 8 and 16
    [InlineData(4, 2000, 21)]   // halfway between the contexts: (14 + 28) / 2
    [InlineData(6, 2500, 28)]   // both at once: 16 at 1000, 32 at 3000, three quarters of the way
    [InlineData(1, 100, 11)]    // a shorter context than measured: clamped to the first row
    [InlineData(2, 9000, 24)]   // a longer one: clamped to the last row
    [InlineData(64, 1000, 26)]  // a larger batch than measured: clamped to the largest
    [InlineData(16, 3000, 36)]  // the shorter row stops at 8: clamped within it
    [InlineData(12, 2000, 29)]  // (22 + 36) / 2
    public void Itl_is_bilinear_over_the_grid_and_clamped(int batch, int context, double expected) =>
        Assert.Equal(expected, ProfileMath.ItlMs(Profile(), batch, context), 6);

    [Theory]
    [InlineData(14, 1000, 4)]
    [InlineData(14.5, 1000, 4)]
    [InlineData(21, 1000, 11)]
    [InlineData(100, 1000, 16)]  // everything measured meets it: no more than the largest batch measured
    [InlineData(28, 3000, 4)]
    [InlineData(21, 2000, 4)]    // 15 + 1.5 × batch at 2000
    [InlineData(10, 1000, 0)]    // even one sequence misses it
    public void Max_batch_is_the_largest_that_meets_the_target(double target, int context, int expected) =>
        Assert.Equal(expected, ProfileMath.MaxBatch(Profile(), target, context));

    [Fact]
    public void Max_batch_never_exceeds_what_the_kv_cache_holds()
    {
        // 10,000 tokens of KV hold ten sequences of 1000.
        Assert.Equal(10, ProfileMath.MaxBatch(Profile(kvCapacityTokens: 10_000), 100, 1000));
    }

    [Fact]
    public void Max_batch_stops_at_the_first_miss_rather_than_trusting_a_noisy_dip()
    {
        var noisy = Profile() with { Decode = [new(1, 1000, 10), new(2, 1000, 30), new(4, 1000, 12)] };
        Assert.Equal(1, ProfileMath.MaxBatch(noisy, 15, 1000));
    }

    [Fact]
    public void An_empty_curve_is_an_argument_error()
    {
        var empty = new PerformanceProfile("test", "model", 16, 0, [], []);
        Assert.Throws<ArgumentException>(() => ProfileMath.PrefillMs(empty, 100));
        Assert.Throws<ArgumentException>(() => ProfileMath.ItlMs(empty, 1, 100));
    }
}
