using System.Numerics.Tensors;
using Dynamo.Abstractions.Requests;

namespace Dynamo.Backends.Llama.Model;

/// <summary>
/// Picks the next token from logits: greedy at temperature 0, else temperature, top-k and top-p
/// from a generator seeded by the request (reproducible) or at random. Reuses its buffers.
/// </summary>
internal sealed class Sampler(SamplingParams sampling, int vocabSize)
{
    private readonly Random _random = sampling.Seed is { } seed ? new Random(unchecked((int)(seed ^ (seed >> 32)))) : new Random();
    private readonly float[] _probabilities = new float[vocabSize];
    private readonly int[] _order = new int[vocabSize];
    private Comparison<int>? _byProbability;

    public int Next(ReadOnlySpan<float> logits)
    {
        if (sampling.Temperature < 1e-5f)
            return TensorPrimitives.IndexOfMax(logits);
        var probabilities = _probabilities.AsSpan(0, logits.Length);
        TensorPrimitives.Divide(logits, sampling.Temperature, probabilities);
        TensorPrimitives.SoftMax(probabilities, probabilities);
        var order = _order.AsSpan(0, logits.Length);
        for (var i = 0; i < order.Length; i++)
            order[i] = i;
        // Sorting by probability makes top-k and top-p a prefix of the order.
        order.Sort(_byProbability ??= (a, b) => _probabilities[b].CompareTo(_probabilities[a]));
        var keep = sampling.TopK > 0 ? Math.Min(sampling.TopK, order.Length) : order.Length;
        var cumulative = 0f;
        for (var i = 0; i < keep; i++)
        {
            cumulative += probabilities[order[i]];
            if (cumulative >= sampling.TopP)
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
}
