using Dynamo.Abstractions.Engines;
using System.Numerics.Tensors;
using Dynamo.Backends.Llama.Model;
using K = Dynamo.Backends.Llama.Kernels.CpuKernels;

namespace Dynamo.Backends.Llama.Kernels;

/// <summary>
/// The forward pass on the CPU kernels: the projections run as one matrix product over the batch
/// (prefill chunks and decode steps mixed), attention per token over its sequence's blocks.
/// </summary>
internal sealed class CpuForwardPass(LlamaConfig config, LlamaWeights weights) : IForwardPass
{
    private readonly float[] _inverseFrequencies = K.RopeInverseFrequencies(config.RopeDim, config.RopeBase);

    public string Device => $"CPU SIMD, {Environment.ProcessorCount} cores";

    public IKvStorage CreateKvStorage(int blocks, int blockSize) => new HostKvStorage((long)blocks * config.Layers * blockSize * config.KvDim);

    public ForwardScratch NewScratch(int maxTokens, int maxLogits) => new CpuScratch(config, maxTokens, maxLogits);

    public void Forward(ReadOnlySpan<BatchItem> items, ForwardScratch scratch)
    {
        var (c, s, n) = (config, (CpuScratch)scratch, items.Length);
        for (var t = 0; t < n; t++)
        {
            var embedding = s.X.AsSpan(t * c.Dim, c.Dim);
            weights.Embedding.Row(items[t].Token, embedding).CopyTo(embedding);
        }
        var parallelAttention = ParallelAttention(items, s);
        for (var l = 0; l < c.Layers; l++)
        {
            var w = weights.Layers[l];
            NormRows(s.X, w.AttnNorm, s.Normed, n);
            K.MatMul(w.Wq, s.Normed, s.Q, n, w.Bq);
            K.MatMul(w.Wk, s.Normed, s.K, n, w.Bk);
            K.MatMul(w.Wv, s.Normed, s.V, n, w.Bv);
            for (var t = 0; t < n; t++)
                StoreKeyValue(items[t], l, s.Q.AsSpan(t * c.QDim, c.QDim), s.K.AsSpan(t * c.KvDim, c.KvDim), s.V.AsSpan(t * c.KvDim, c.KvDim), w);
            AttendAll(items, l, s, parallelAttention);
            K.MatMul(w.Wo, s.Attention, s.Projected, n);
            TensorPrimitives.Add(s.X.AsSpan(0, n * c.Dim), s.Projected.AsSpan(0, n * c.Dim), s.X.AsSpan(0, n * c.Dim));

            NormRows(s.X, w.FfnNorm, s.Normed, n);
            K.MatMul(w.WGate, s.Normed, s.Gate, n);
            K.MatMul(w.WUp, s.Normed, s.Up, n);
            K.SwiGlu(s.Gate.AsSpan(0, n * c.FfnDim), s.Up.AsSpan(0, n * c.FfnDim));
            K.MatMul(w.WDown, s.Gate, s.Projected, n);
            TensorPrimitives.Add(s.X.AsSpan(0, n * c.Dim), s.Projected.AsSpan(0, n * c.Dim), s.X.AsSpan(0, n * c.Dim));
        }
        ComputeLogits(items, s);
    }

    public void Dispose()
    {
    }

    private void NormRows(float[] x, float[] weight, float[] y, int rows)
    {
        var d = config.Dim;
        for (var t = 0; t < rows; t++)
            K.RmsNorm(x.AsSpan(t * d, d), weight, config.RmsEps, y.AsSpan(t * d, d));
    }

    private void StoreKeyValue(BatchItem item, int layer, Span<float> q, Span<float> k, ReadOnlySpan<float> v, LayerWeights w)
    {
        var c = config;
        if (w.QNorm is not null)
        {
            NormHeads(q, c.Heads, w.QNorm);
            NormHeads(k, c.KvHeads, w.KNorm!);
        }
        var halfSplit = c.Rope == RopeStyle.HalfSplit;
        K.Rope(q, c.Heads, c.HeadDim, _inverseFrequencies, item.Position, halfSplit);
        K.Rope(k, c.KvHeads, c.HeadDim, _inverseFrequencies, item.Position, halfSplit);
        var at = item.Sequence.Offset(layer, item.Position);
        var storage = (HostKvStorage)item.Sequence.Pool.Storage;
        k.CopyTo(storage.Keys.AsSpan(at, c.KvDim));
        v.CopyTo(storage.Values.AsSpan(at, c.KvDim));
    }

    /// <summary>Attention for every token of the batch; tokens are independent once their K and V are stored, so long batches split across cores.</summary>
    private void AttendAll(ReadOnlySpan<BatchItem> items, int layer, CpuScratch s, bool parallel)
    {
        var c = config;
        if (!parallel)
        {
            for (var t = 0; t < items.Length; t++)
                Attend(items[t], layer, s.Q.AsSpan(t * c.QDim, c.QDim), s.Attention.AsSpan(t * c.QDim, c.QDim), s.Scores);
            return;
        }
        Parallel.For(0, items.Length, t =>
            Attend(s.Items[t], layer, s.Q.AsSpan(t * c.QDim, c.QDim), s.Attention.AsSpan(t * c.QDim, c.QDim), s.WorkerScores.Value!));
    }

    /// <summary>Whether a batch's attention is worth splitting across cores (then its items are copied where worker threads can read them).</summary>
    private bool ParallelAttention(ReadOnlySpan<BatchItem> items, CpuScratch s)
    {
        long work = 0;
        foreach (var item in items)
            work += item.Position + 1;
        if (items.Length == 1 || work * config.QDim < 1 << 18)
            return false;
        items.CopyTo(s.Items);
        return true;
    }

    /// <summary>Causal attention of one token over its sequence's cache (positions up to its own); grouped-query heads share K and V.</summary>
    private void Attend(BatchItem item, int layer, ReadOnlySpan<float> q, Span<float> output, float[] scoreBuffer)
    {
        var c = config;
        var scale = 1f / MathF.Sqrt(c.HeadDim);
        var group = c.Heads / c.KvHeads;
        var cache = item.Sequence;
        var storage = (HostKvStorage)cache.Pool.Storage;
        var scores = scoreBuffer.AsSpan(0, item.Position + 1);
        for (var h = 0; h < c.Heads; h++)
        {
            var qh = q.Slice(h * c.HeadDim, c.HeadDim);
            var kvOffset = h / group * c.HeadDim;
            for (var p = 0; p <= item.Position; p++)
                scores[p] = TensorPrimitives.Dot(qh, storage.Keys.AsSpan(cache.Offset(layer, p) + kvOffset, c.HeadDim)) * scale;
            K.Softmax(scores);
            var oh = output.Slice(h * c.HeadDim, c.HeadDim);
            oh.Clear();
            for (var p = 0; p <= item.Position; p++)
                TensorPrimitives.MultiplyAdd(storage.Values.AsSpan(cache.Offset(layer, p) + kvOffset, c.HeadDim), scores[p], oh, oh);
        }
    }

    private void ComputeLogits(ReadOnlySpan<BatchItem> items, CpuScratch s)
    {
        var c = config;
        var wanted = 0;
        for (var t = 0; t < items.Length; t++)
            if (items[t].WantLogits)
                K.RmsNorm(s.X.AsSpan(t * c.Dim, c.Dim), weights.OutputNorm, c.RmsEps, s.LogitsIn.AsSpan(wanted++ * c.Dim, c.Dim));
        if (wanted == 0)
            return;
        K.MatMul(weights.Output, s.LogitsIn, s.Logits, wanted);
        var next = 0;
        foreach (var item in items)
            if (item.WantLogits)
            {
                s.Logits.AsSpan(next++ * c.VocabSize, c.VocabSize).CopyTo(item.Sequence.Logits);
                if (item.Mask is { } mask)
                    ConstrainedDecoding.Mask(item.Sequence.Logits.AsSpan(0, c.VocabSize), mask);
            }
    }

    private void NormHeads(Span<float> vectors, int heads, float[] weight)
    {
        for (var h = 0; h < heads; h++)
        {
            var head = vectors.Slice(h * config.HeadDim, config.HeadDim);
            K.RmsNorm(head, weight, config.RmsEps, head);
        }
    }
}
