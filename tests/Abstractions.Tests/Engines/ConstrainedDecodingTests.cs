using Dynamo.Abstractions.Constraints;
using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.Requests;

namespace Dynamo.Abstractions.Tests.Engines;

/// <summary>What engines do around sampling: masks, stop tokens, biases and log probabilities, against plain references.</summary>
public sealed class ConstrainedDecodingTests
{
    [Fact]
    public void Masking_sets_exactly_the_left_out_tokens_to_minus_infinity_on_random_inputs()
    {
        var random = new Random(3);
        for (var trial = 0; trial < 50; trial++)
        {
            var vocab = random.Next(1, 300);
            var logits = Enumerable.Range(0, vocab).Select(_ => (float)random.NextDouble()).ToArray();
            var mask = Enumerable.Range(0, (vocab + 63) / 64).Select(_ => (ulong)random.NextInt64() ^ (random.Next(4) == 0 ? ulong.MaxValue : 0)).ToArray();
            var masked = (float[])logits.Clone();
            ConstrainedDecoding.Mask(masked, mask);
            for (var t = 0; t < vocab; t++)
                Assert.Equal((mask[t / 64] >> (t % 64) & 1) != 0 ? logits[t] : float.NegativeInfinity, masked[t]);
        }
    }

    [Fact]
    public void Log_probabilities_match_a_double_precision_softmax_and_list_the_most_likely_first()
    {
        var random = new Random(4);
        for (var trial = 0; trial < 30; trial++)
        {
            var logits = Enumerable.Range(0, random.Next(2, 500)).Select(_ => (float)(random.NextDouble() * 20 - 10)).ToArray();
            var token = random.Next(logits.Length);
            var scale = trial % 2 == 0 ? 1f : 1f / 0.7f;
            var result = ConstrainedDecoding.Compute(logits, token, top: 5, scale);
            var scaled = logits.Select(l => (double)l * scale).ToArray();
            var logSum = scaled.Max() + Math.Log(scaled.Sum(l => Math.Exp(l - scaled.Max())));
            Assert.Equal(scaled[token] - logSum, result.Logprob, 3);
            var expected = scaled.Select((l, i) => (l, i)).OrderByDescending(x => x.l).Take(5).ToList();
            Assert.Equal(expected.Select(x => x.i), result.Top.Select(a => a.Token));
            Assert.Equal(expected.Select(x => x.l - logSum), result.Top.Select(a => (double)a.Logprob), new ToleranceComparer(1e-3));
        }
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }

    /// <summary>A grammar of exactly the tokens 1 then 2.</summary>
    private sealed class OneTwo : ITokenMatcher
    {
        public int Position;

        public void FillMask(Span<ulong> mask, int remainingTokens = int.MaxValue)
        {
            mask.Clear();
            if (Position < 2)
                mask[0] = 1UL << (Position + 1);
        }

        public bool CanEnd => Position == 2;

        public bool IsFinished => Position == 2;

        public bool Accept(int token)
        {
            if (Position >= 2 || token != Position + 1)
                return false;
            Position++;
            return true;
        }
    }

    [Fact]
    public void The_grammar_masks_bias_applies_and_stop_tokens_wait_for_the_end_and_min_tokens()
    {
        var request = new EngineRequest("r", [0], SamplingParams.Greedy, new StopConditions(10, [7], MinTokens: 0), RequestMetadata.Empty)
        {
            Constraint = new EngineConstraint(new RegexGrammar("x")),
            LogitBias = new Dictionary<int, float> { [1] = -3 },
        };
        var matcher = new OneTwo();
        var decoding = new ConstrainedDecoding(request, matcher, vocabSize: 8);
        var logits = new float[8];
        decoding.Apply(logits, generated: 0, reasoning: null);
        Assert.Equal([float.NegativeInfinity, -3, float.NegativeInfinity, float.NegativeInfinity, float.NegativeInfinity, float.NegativeInfinity, float.NegativeInfinity, float.NegativeInfinity], logits);
        Assert.True(decoding.Observe(1, null, wasInReasoning: false));
        Assert.True(decoding.Observe(2, null, wasInReasoning: false));
        Assert.True(decoding.MustStop(null));
        logits = new float[8];
        decoding.Apply(logits, generated: 2, reasoning: null);
        Assert.Equal(0, logits[7]); // the grammar ended: the stop token is back
        Assert.Equal(float.NegativeInfinity, logits[1]);
        Assert.False(decoding.Observe(1, null, wasInReasoning: false)); // the grammar refuses more

        // Without a grammar, min_tokens holds the stop token back.
        var plain = new ConstrainedDecoding(request with { Constraint = null, LogitBias = null, Stop = new StopConditions(10, [7], MinTokens: 3) }, null, 8);
        logits = new float[8];
        plain.Apply(logits, generated: 2, reasoning: null);
        Assert.Equal(float.NegativeInfinity, logits[7]);
        logits = new float[8];
        plain.Apply(logits, generated: 3, reasoning: null);
        Assert.Equal(0, logits[7]);
    }

    [Fact]
    public void The_grammar_waits_while_the_model_reasons()
    {
        var budget = new ReasoningBudget(int.MaxValue, null, [5], StartsInReasoning: true);
        var request = new EngineRequest("r", [0], SamplingParams.Greedy, new StopConditions(10, [7]), RequestMetadata.Empty)
        {
            Constraint = new EngineConstraint(new RegexGrammar("x")),
            Reasoning = budget,
        };
        var tracker = budget.Track();
        var decoding = new ConstrainedDecoding(request, new OneTwo(), 8);
        var logits = new float[8];
        decoding.Apply(logits, 0, tracker);
        Assert.DoesNotContain(float.NegativeInfinity, logits); // reasoning: no mask
        Assert.True(decoding.Observe(3, tracker, wasInReasoning: true));
        tracker.Observe(5); // the end marker
        decoding.Apply(logits, 2, tracker);
        Assert.Equal(0, logits[1]);
        Assert.Equal(float.NegativeInfinity, logits[3]);
    }

    [Fact]
    public void A_mask_applied_early_gives_what_applying_it_with_the_rest_gives()
    {
        var request = new EngineRequest("r", [0], SamplingParams.Greedy, new StopConditions(10, [7], MinTokens: 0), RequestMetadata.Empty)
        {
            Constraint = new EngineConstraint(new RegexGrammar("x")),
            LogitBias = new Dictionary<int, float> { [1] = -3, [4] = 2 },
        };
        var random = new Random(6);
        var (late, early) = (new ConstrainedDecoding(request, new OneTwo(), 8), new ConstrainedDecoding(request, new OneTwo(), 8));
        Assert.True(early.MasksEarly);
        for (var generated = 0; generated < 3; generated++)
        {
            var logits = Enumerable.Range(0, 8).Select(_ => (float)random.NextDouble()).ToArray();
            var (a, b) = ((float[])logits.Clone(), (float[])logits.Clone());
            late.Apply(a, generated, null);
            ConstrainedDecoding.Mask(b, early.NextMask(generated, null)); // as a forward pass does, on its device
            early.Apply(b, generated, null, masked: true);
            Assert.Equal(a, b);
            if (generated < 2)
            {
                late.Observe(generated + 1, null, false);
                early.Observe(generated + 1, null, false);
            }
        }
        // Raw log probabilities are of the logits before any mask, so the mask waits for them.
        Assert.False(new ConstrainedDecoding(request with { Logprobs = new LogprobsRequest(2, Processed: false) }, new OneTwo(), 8).MasksEarly);
        Assert.Null(new ConstrainedDecoding(request with { Constraint = null }, null, 8).NextMask(0, null));
    }
}
