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
internal sealed class CpuForwardPass(LlamaConfig config, LlamaWeights weights, bool floatInputs = false) : IForwardPass
{
    private readonly float[] _inverseFrequencies = K.RopeInverseFrequencies(config.RopeDim, config.RopeBase);
    private readonly CpuMatMul _matMul = new(CpuThreads.Shared, CpuPaths.Best, quantizeInputs: !floatInputs);
    private readonly CpuAttention _attention = new(config, CpuThreads.Shared);

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
        var all = n * c.Dim;
        for (var l = 0; l < c.Layers; l++)
        {
            var w = weights.Layers[l];
            NormRows(s.X, w.AttnNorm, s.Normed, n);
            _matMul.Multiply(s.Normed, n, new Product(w.Wq, s.Q, w.Bq), new Product(w.Wk, s.K, w.Bk), new Product(w.Wv, s.V, w.Bv));
            for (var t = 0; t < n; t++)
                StoreKeyValue(items[t], t, l, s, w);
            _attention.Attend(items, l, s);
            _matMul.Multiply(w.Wo, s.Attention, s.Projected, n);
            Vectors.Add(s.X.AsSpan(0, all), s.Projected.AsSpan(0, all));

            NormRows(s.X, w.FfnNorm, s.Normed, n);
            _matMul.Multiply(s.Normed, n, new Product(w.WGate, s.Gate.Values), new Product(w.WUp, s.Up));
            K.SwiGlu(s.Gate.Values.AsSpan(0, n * c.FfnDim), s.Up.AsSpan(0, n * c.FfnDim));
            s.Gate.Changed();
            _matMul.Multiply(w.WDown, s.Gate, s.Projected, n);
            Vectors.Add(s.X.AsSpan(0, all), s.Projected.AsSpan(0, all));
        }
        ComputeLogits(items, s);
    }

    public void Dispose()
    {
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void NormRows(float[] x, float[] weight, InputRows y, int rows)
    {
        var d = config.Dim;
        for (var t = 0; t < rows; t++)
            K.RmsNorm(x.AsSpan(t * d, d), weight, config.RmsEps, y.Values.AsSpan(t * d, d));
        y.Changed();
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
