using System.Runtime.CompilerServices;
using Dynamo.Abstractions.Engines;
using Dynamo.Backends.Llama.Kernels.Cpu;
using Dynamo.Backends.Llama.Model;
using K = Dynamo.Backends.Llama.Kernels.CpuKernels;

namespace Dynamo.Backends.Llama.Kernels;

/// <summary>
/// The forward pass on the CPU kernels: the projections run as one matrix product over the batch
/// (prefill chunks and decode steps mixed), attention per token over its sequence's blocks.
/// </summary>
/// <param name="floatInputs">Quantized matrices take float inputs (rows decoded) instead of 8-bit ones: the GPU pass's arithmetic, for comparing the two.</param>
internal sealed class CpuForwardPass : IForwardPass
{
    // The element-wise steps TokenSteps runs over a batch's tokens.
    private const int AttentionNorm = 0, StoreKv = 1, AttentionResidual = 2, FfnNorm = 3, Activation = 4, FfnResidual = 5;

    private readonly LlamaConfig config;
    private readonly LlamaWeights weights;
    private readonly float[] _inverseFrequencies;
    private readonly CpuMatMul _matMul;
    private readonly CpuAttention _attention;
    private readonly TokenSteps _steps;

    // What the steps of the pass under way read (set per pass and layer; one pass runs at a time).
    private CpuScratch? _scratch;
    private LayerWeights? _layer;
    private int _layerIndex;

    public CpuForwardPass(LlamaConfig config, LlamaWeights weights, bool floatInputs = false)
    {
        (this.config, this.weights) = (config, weights);
        _inverseFrequencies = K.RopeInverseFrequencies(config.RopeDim, config.RopeBase);
        _matMul = new CpuMatMul(CpuThreads.Shared, CpuPaths.Best, quantizeInputs: !floatInputs);
        _attention = new CpuAttention(config, CpuThreads.Shared);
        _steps = new TokenSteps(CpuThreads.Shared, RunStep);
    }

    public string Device => $"CPU SIMD ({CpuPaths.Describe(_matMul.Path)}), {CpuThreads.Shared.Count} threads";

    public IKvStorage CreateKvStorage(int blocks, int blockSize) => new HostKvStorage((long)blocks * config.Layers * blockSize * config.KvDim);

    public ForwardScratch NewScratch(int maxTokens, int maxLogits) => new CpuScratch(config, maxTokens, maxLogits);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Forward(ReadOnlySpan<BatchItem> items, ForwardScratch scratch)
    {
        var (c, s, n) = (config, (CpuScratch)scratch, items.Length);
        for (var t = 0; t < n; t++)
        {
            var embedding = s.X.AsSpan(t * c.Dim, c.Dim);
            weights.Embedding.Row(items[t].Token, embedding).CopyTo(embedding);
            var pairs = _inverseFrequencies.Length;
            K.RopeAngles(_inverseFrequencies, items[t].Position, s.RopeCos.AsSpan(t * pairs, pairs), s.RopeSin.AsSpan(t * pairs, pairs));
        }
        items.CopyTo(s.Items);
        _scratch = s;
        for (var l = 0; l < c.Layers; l++)
        {
            var w = weights.Layers[l];
            (_layer, _layerIndex) = (w, l);
            _steps.Run(AttentionNorm, n, c.Dim);
            s.Normed.Changed();
            _matMul.Multiply(s.Normed, n, new Product(w.Wq, s.Q, w.Bq), new Product(w.Wk, s.K, w.Bk), new Product(w.Wv, s.V, w.Bv));
            _steps.Run(StoreKv, n, c.QDim);
            _attention.Attend(n, l, s);
            _matMul.Multiply(w.Wo, s.Attention, s.Projected, n);
            _steps.Run(AttentionResidual, n, c.Dim);

            _steps.Run(FfnNorm, n, c.Dim);
            s.Normed.Changed();
            _matMul.Multiply(s.Normed, n, new Product(w.WGate, s.Gate.Values), new Product(w.WUp, s.Up));
            _steps.Run(Activation, n, c.FfnDim);
            s.Gate.Changed();
            _matMul.Multiply(w.WDown, s.Gate, s.Projected, n);
            _steps.Run(FfnResidual, n, c.Dim);
        }
        (_scratch, _layer) = (null, null);
        ComputeLogits(items, s);
    }

    public void Dispose()
    {
    }

    /// <summary>Step <paramref name="step"/> of the current layer for tokens <paramref name="from"/>..<paramref name="to"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunStep(int step, int from, int to)
    {
        var (c, s, w) = (config, _scratch!, _layer!);
        var (d, f) = (c.Dim, c.FfnDim);
        for (var t = from; t < to; t++)
            switch (step)
            {
                case AttentionNorm:
                    K.RmsNorm(s.X.AsSpan(t * d, d), w.AttnNorm, c.RmsEps, s.Normed.Values.AsSpan(t * d, d));
                    break;
                case StoreKv:
                    StoreKeyValue(s.Items[t], t, _layerIndex, s, w);
                    break;
                case AttentionResidual or FfnResidual:
                    Vectors.Add(s.X.AsSpan(t * d, d), s.Projected.AsSpan(t * d, d));
                    break;
                case FfnNorm:
                    K.RmsNorm(s.X.AsSpan(t * d, d), w.FfnNorm, c.RmsEps, s.Normed.Values.AsSpan(t * d, d));
                    break;
                case Activation:
                    Vectors.SwiGlu(s.Gate.Values.AsSpan(t * f, f), s.Up.AsSpan(t * f, f));
                    break;
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void StoreKeyValue(BatchItem item, int t, int layer, CpuScratch s, LayerWeights w)
    {
        var c = config;
        var q = s.Q.AsSpan(t * c.QDim, c.QDim);
        var k = s.K.AsSpan(t * c.KvDim, c.KvDim);
        var v = s.V.AsSpan(t * c.KvDim, c.KvDim);
        if (w.QNorm is not null)
        {
            NormHeads(q, c.Heads, w.QNorm);
            NormHeads(k, c.KvHeads, w.KNorm!);
        }
        var halfSplit = c.Rope == RopeStyle.HalfSplit;
        var pairs = _inverseFrequencies.Length;
        var cos = s.RopeCos.AsSpan(t * pairs, pairs);
        var sin = s.RopeSin.AsSpan(t * pairs, pairs);
        K.Rope(q, c.Heads, c.HeadDim, cos, sin, halfSplit);
        K.Rope(k, c.KvHeads, c.HeadDim, cos, sin, halfSplit);
        var at = item.Sequence.Offset(layer, item.Position);
        var storage = (HostKvStorage)item.Sequence.Pool.Storage;
        k.CopyTo(storage.Keys.AsSpan(at, c.KvDim));
        v.CopyTo(storage.Values.AsSpan(at, c.KvDim));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ComputeLogits(ReadOnlySpan<BatchItem> items, CpuScratch s)
    {
        var c = config;
        var wanted = 0;
        for (var t = 0; t < items.Length; t++)
            if (items[t].WantLogits)
                K.RmsNorm(s.X.AsSpan(t * c.Dim, c.Dim), weights.OutputNorm, c.RmsEps, s.LogitsIn.Values.AsSpan(wanted++ * c.Dim, c.Dim));
        if (wanted == 0)
            return;
        s.LogitsIn.Changed();
        _matMul.Multiply(weights.Output, s.LogitsIn, s.Logits, wanted);
        var next = 0;
        foreach (var item in items)
            if (item.WantLogits)
            {
                s.Logits.AsSpan(next++ * c.VocabSize, c.VocabSize).CopyTo(item.Sequence.Logits);
                if (item.Mask is { } mask)
                    ConstrainedDecoding.Mask(item.Sequence.Logits.AsSpan(0, c.VocabSize), mask);
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void NormHeads(Span<float> vectors, int heads, float[] weight)
    {
        for (var h = 0; h < heads; h++)
        {
            var head = vectors.Slice(h * config.HeadDim, config.HeadDim);
            K.RmsNorm(head, weight, config.RmsEps, head);
        }
    }
}
