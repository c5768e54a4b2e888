using System.Numerics.Tensors;
using Dynamo.Backends.Llama.Kernels.Cpu;
using Dynamo.Abstractions.Requests;

namespace Dynamo.Backends.Llama.Model;

/// <summary>
/// Picks the next token: penalties first (repetition over prompt and output, presence and
/// frequency over output, as vLLM applies them), then greedy at temperature 0, else temperature,
/// top-k, top-p and min-p with a generator seeded by the request (reproducible) or at random.
/// Buffers are allocated once per sequence.
/// </summary>
internal sealed class Sampler
{
    private readonly SamplingParams _sampling;
    private readonly Random _random;
    private readonly float[] _probabilities;
    private readonly int[] _order;
    private readonly int[]? _outputCounts;
    private readonly bool[]? _seen;
    private readonly Comparison<int> _byProbability;

    public Sampler(SamplingParams sampling, int vocabSize, IEnumerable<int> prompt)
    {
        _sampling = sampling;
        _random = sampling.Seed is { } seed ? new Random(SamplingParams.Fold(seed)) : new Random();
        _probabilities = new float[vocabSize];
        _order = new int[vocabSize];
        _byProbability = (a, b) => _probabilities[b].CompareTo(_probabilities[a]);
        if (!sampling.HasPenalties)
            return;
        _outputCounts = new int[vocabSize];
        _seen = new bool[vocabSize];
        foreach (var token in prompt)
            _seen[token] = true;
    }

    /// <summary>Picks from <paramref name="logits"/> (penalties are applied in place) and remembers the pick.</summary>
    public int Next(Span<float> logits)
    {
        ApplyPenalties(logits);
        var token = _sampling.Temperature < 1e-5f ? Vectors.IndexOfMax(logits) : Sample(logits);
        if (_outputCounts is not null)
        {
            _outputCounts[token]++;
            _seen![token] = true;
        }
        return token;
    }

    private void ApplyPenalties(Span<float> logits)
    {
        if (_outputCounts is null)
            return;
        for (var t = 0; t < logits.Length; t++)
        {
            if (_seen![t] && _sampling.RepetitionPenalty != 1f)
                logits[t] = logits[t] > 0 ? logits[t] / _sampling.RepetitionPenalty : logits[t] * _sampling.RepetitionPenalty;
            if (_outputCounts[t] > 0)
                logits[t] -= _sampling.PresencePenalty + _sampling.FrequencyPenalty * _outputCounts[t];
        }
    }

    private int Sample(ReadOnlySpan<float> logits)
    {
        var probabilities = _probabilities.AsSpan(0, logits.Length);
        TensorPrimitives.Divide(logits, _sampling.Temperature, probabilities);
        TensorPrimitives.SoftMax(probabilities, probabilities);
        if ((_sampling.TopK <= 0 || _sampling.TopK >= logits.Length) && _sampling.TopP >= 1f)
            return SampleAll(probabilities);
        var order = _order.AsSpan(0, logits.Length);
        for (var i = 0; i < order.Length; i++)
            order[i] = i;
        // Sorted by probability, top-k, top-p and min-p all keep a prefix of the order.
        order.Sort(_byProbability);
        var keep = _sampling.TopK > 0 ? Math.Min(_sampling.TopK, order.Length) : order.Length;
        var floor = probabilities[order[0]] * _sampling.MinP;
        var cumulative = 0f;
        for (var i = 0; i < keep; i++)
        {
            if (probabilities[order[i]] < floor)
            {
                keep = Math.Max(i, 1);
                break;
            }
            cumulative += probabilities[order[i]];
            if (cumulative >= _sampling.TopP)
            {
                keep = i + 1;
                break;
            }
        }
        var total = 0f;
        for (var i = 0; i < keep; i++)
            total += probabilities[order[i]];
        var target = (float)_random.NextDouble() * total;
        for (var i = 0; i < keep; i++)
        {
            target -= probabilities[order[i]];
            if (target <= 0)
                return order[i];
        }
        return order[keep - 1];
    }

    /// <summary>
    /// Without top-k or top-p nothing needs an order: min-p is a floor, and the draw walks the tokens in id order,
    /// a block's sum at a time (vector sums), then token by token inside the block it falls in.
    /// </summary>
    private int SampleAll(Span<float> probabilities)
    {
        if (_sampling.MinP > 0)
        {
            var floor = TensorPrimitives.Max(probabilities) * _sampling.MinP;
            foreach (ref var p in probabilities)
                if (p < floor)
                    p = 0;
        }
        var target = (float)_random.NextDouble() * TensorPrimitives.Sum(probabilities);
        const int block = 512;
        var last = -1;
        for (var start = 0; start < probabilities.Length; start += block)
        {
            var span = probabilities.Slice(start, Math.Min(block, probabilities.Length - start));
            var sum = TensorPrimitives.Sum(span);
            if (sum <= 0)
                continue;
            if (target > sum)
            {
                target -= sum;
                last = start + span.LastIndexOfAnyExcept(0f);
                continue;
            }
            for (var i = 0; i < span.Length; i++)
            {
                if (span[i] == 0)
                    continue;
                last = start + i;
                target -= span[i];
                if (target <= 0)
                    return last;
            }
        }
        // Rounding left a sliver: the last token that had any chance.
        return last >= 0 ? last : TensorPrimitives.IndexOfMax(probabilities);
    }
}
