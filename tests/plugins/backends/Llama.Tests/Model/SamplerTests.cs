using Dynamo.Abstractions.Requests;
using Dynamo.Backends.Llama.Model;

namespace Dynamo.Backends.Llama.Tests.Model;

public sealed class SamplerTests
{
    private static float[] Logits(params double[] probabilities) => probabilities.Select(p => (float)Math.Log(p)).ToArray();

    [Fact]
    public void SamplesInProportionToProbabilityAndReproducesForASeed()
    {
        var sampler = new Sampler(new SamplingParams(Temperature: 1f, Seed: 3), 3, []);
        var counts = new int[3];
        for (var i = 0; i < 20_000; i++)
            counts[sampler.Next(Logits(0.5, 0.3, 0.2))]++;

        Assert.InRange(counts[0] / 20_000.0, 0.48, 0.52);
        Assert.InRange(counts[1] / 20_000.0, 0.28, 0.32);
        Assert.InRange(counts[2] / 20_000.0, 0.18, 0.22);
        var again = new Sampler(new SamplingParams(Temperature: 1f, Seed: 3), 3, []);
        var first = new Sampler(new SamplingParams(Temperature: 1f, Seed: 3), 3, []);
        Assert.Equal(Enumerable.Range(0, 50).Select(_ => first.Next(Logits(0.5, 0.3, 0.2))), Enumerable.Range(0, 50).Select(_ => again.Next(Logits(0.5, 0.3, 0.2))));
    }

    [Theory]
    [InlineData(0f, 1f, 0, 0f)]   // greedy
    [InlineData(1f, 1f, 1, 0f)]   // top-k 1
    [InlineData(1f, 0.1f, 0, 0f)] // top-p below the best token's probability
    [InlineData(1f, 1f, 0, 0.9f)] // min-p keeps only tokens near the best
    public void FiltersThatLeaveOneTokenAlwaysPickTheBest(float temperature, float topP, int topK, float minP)
    {
        var sampler = new Sampler(new SamplingParams(temperature, topP, topK, Seed: 1, MinP: minP), 4, []);

        Assert.All(Enumerable.Range(0, 200), _ => Assert.Equal(1, sampler.Next(Logits(0.2, 0.4, 0.25, 0.15))));
    }

    [Theory]
    [InlineData(1f)]    // no order needed: a scan in token order
    [InlineData(0.99f)] // top-p: the sorted path (0.99 keeps all four tokens here)
    public void MinPKeepsTokensAboveItsFloorInProportion(float topP)
    {
        var sampler = new Sampler(new SamplingParams(Temperature: 1f, TopP: topP, Seed: 9, MinP: 0.2f), 4, []);
        var counts = new int[4];
        for (var i = 0; i < 20_000; i++)
            counts[sampler.Next(Logits(0.5, 0.3, 0.15, 0.05))]++;

        // The floor is 0.2 × 0.5: token 3 is out, the rest share 0.95.
        Assert.Equal(0, counts[3]);
        Assert.InRange(counts[0] / 20_000.0, 0.5 / 0.95 - 0.02, 0.5 / 0.95 + 0.02);
        Assert.InRange(counts[2] / 20_000.0, 0.15 / 0.95 - 0.02, 0.15 / 0.95 + 0.02);
    }

    [Fact]
    public void TopKLimitsTheChoice()
    {
        var sampler = new Sampler(new SamplingParams(Temperature: 1f, TopK: 2, Seed: 5), 4, []);

        var picks = Enumerable.Range(0, 500).Select(_ => sampler.Next(Logits(0.2, 0.4, 0.25, 0.15))).ToHashSet();

        Assert.Equal([1, 2], picks.Order());
    }

    [Fact]
    public void PresenceAndFrequencyPenaltiesDiscourageRepeats()
    {
        var sampler = new Sampler(new SamplingParams(Temperature: 0f, PresencePenalty: 1f, FrequencyPenalty: 0.5f), 3, []);

        // Token 0 leads by 1.2: after one use it loses 1.5, so token 1 wins; then 1 is penalised too.
        Assert.Equal(0, sampler.Next(new[] { 2.2f, 1f, 0f }));
        Assert.Equal(1, sampler.Next(new[] { 2.2f, 1f, 0f }));
        Assert.Equal(0, sampler.Next(new[] { 2.2f, 1f, 0f })); // 0.7 vs -0.5 vs 0
    }

    [Fact]
    public void RepetitionPenaltyCoversThePrompt()
    {
        var sampler = new Sampler(new SamplingParams(Temperature: 0f, RepetitionPenalty: 2f), 3, prompt: [0]);

        Assert.Equal(1, sampler.Next(new[] { 3f, 2f, 1f })); // 3 / 2 = 1.5 < 2
    }
}
