using System.Numerics.Tensors;
using Dynamo.Backends.Llama.Gguf;
using Dynamo.Backends.Llama.Kernels;
using K = Dynamo.Backends.Llama.Kernels.CpuKernels;

namespace Dynamo.Backends.Llama.Model;

/// <summary>A Llama-family decoder (Llama, Mistral, Qwen2, Qwen3) on the CPU kernels.</summary>
internal sealed class LlamaModel
{
    private readonly float[] _inverseFrequencies;

    public LlamaConfig Config { get; }

    public LlamaWeights Weights { get; }

    public LlamaModel(LlamaConfig config, LlamaWeights weights)
    {
        (Config, Weights) = (config, weights);
        _inverseFrequencies = K.RopeInverseFrequencies(config.RopeDim, config.RopeBase);
    }

    public static LlamaModel Load(GgufFile file)
    {
        var config = LlamaConfig.From(file);
        return new LlamaModel(config, LlamaWeights.Load(file, config));
    }

    public SequenceState NewSequence(int maxPositions) => new(Config, Math.Min(maxPositions, Config.ContextLength));

    /// <summary>Runs one token at the next position; the next token's logits are left in <see cref="SequenceState.Logits"/>.</summary>
    public void Forward(SequenceState s, int token, bool computeLogits = true)
    {
        var c = Config;
        var pos = s.Length;
        if (pos >= s.MaxPositions)
            throw new InvalidOperationException($"The sequence is full ({s.MaxPositions} positions).");
        if ((uint)token >= (uint)c.VocabSize)
            throw new ArgumentOutOfRangeException(nameof(token), token, $"Token ids must be below the vocabulary size {c.VocabSize}.");
        Weights.Embedding.AsSpan(token * c.Dim, c.Dim).CopyTo(s.X);
        var scale = 1f / MathF.Sqrt(c.HeadDim);
        var group = c.Heads / c.KvHeads;
        for (var l = 0; l < c.Layers; l++)
        {
            var w = Weights.Layers[l];
            K.RmsNorm(s.X, w.AttnNorm, c.RmsEps, s.Normed.AsSpan(0, c.Dim));
            K.MatVec(w.Wq, s.Normed, s.Q, c.QDim, c.Dim, w.Bq);
            K.MatVec(w.Wk, s.Normed, s.K, c.KvDim, c.Dim, w.Bk);
            K.MatVec(w.Wv, s.Normed, s.V, c.KvDim, c.Dim, w.Bv);
            if (w.QNorm is not null)
            {
                NormHeads(s.Q, c.Heads, w.QNorm);
                NormHeads(s.K, c.KvHeads, w.KNorm!);
            }
            K.Rope(s.Q, c.Heads, c.HeadDim, _inverseFrequencies, pos, c.Rope == RopeStyle.HalfSplit);
            K.Rope(s.K, c.KvHeads, c.HeadDim, _inverseFrequencies, pos, c.Rope == RopeStyle.HalfSplit);
            var layerBase = (long)l * s.MaxPositions * c.KvDim;
            s.K.CopyTo(s.Keys.AsSpan((int)(layerBase + (long)pos * c.KvDim), c.KvDim));
            s.V.CopyTo(s.Values.AsSpan((int)(layerBase + (long)pos * c.KvDim), c.KvDim));

            for (var h = 0; h < c.Heads; h++)
            {
                var q = s.Q.AsSpan(h * c.HeadDim, c.HeadDim);
                var kvOffset = (h / group) * c.HeadDim;
                var scores = s.Scores.AsSpan(0, pos + 1);
                for (var t = 0; t <= pos; t++)
                    scores[t] = TensorPrimitives.Dot(q, s.Keys.AsSpan((int)(layerBase + (long)t * c.KvDim) + kvOffset, c.HeadDim)) * scale;
                K.Softmax(scores);
                var output = s.AttentionOut.AsSpan(h * c.HeadDim, c.HeadDim);
                output.Clear();
                for (var t = 0; t <= pos; t++)
                    TensorPrimitives.MultiplyAdd(s.Values.AsSpan((int)(layerBase + (long)t * c.KvDim) + kvOffset, c.HeadDim), scores[t], output, output);
            }
            K.MatVec(w.Wo, s.AttentionOut, s.Normed, c.Dim, c.QDim);
            TensorPrimitives.Add(s.X, s.Normed.AsSpan(0, c.Dim), s.X);

            K.RmsNorm(s.X, w.FfnNorm, c.RmsEps, s.Normed.AsSpan(0, c.Dim));
            K.MatVec(w.WGate, s.Normed, s.Gate, c.FfnDim, c.Dim);
            K.MatVec(w.WUp, s.Normed, s.Up, c.FfnDim, c.Dim);
            K.SwiGlu(s.Gate, s.Up);
            K.MatVec(w.WDown, s.Gate, s.Normed, c.Dim, c.FfnDim);
            TensorPrimitives.Add(s.X, s.Normed.AsSpan(0, c.Dim), s.X);
        }
        s.Length = pos + 1;
        if (!computeLogits)
            return;
        K.RmsNorm(s.X, Weights.OutputNorm, c.RmsEps, s.X);
        K.MatVec(Weights.Output, s.X, s.Logits, c.VocabSize, c.Dim);
    }

    private void NormHeads(float[] vectors, int heads, float[] weight)
    {
        for (var h = 0; h < heads; h++)
        {
            var head = vectors.AsSpan(h * Config.HeadDim, Config.HeadDim);
            K.RmsNorm(head, weight, Config.RmsEps, head);
        }
    }
}
