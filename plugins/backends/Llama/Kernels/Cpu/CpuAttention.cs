using System.Runtime.CompilerServices;
using System.Numerics.Tensors;
using Dynamo.Backends.Llama.Model;

namespace Dynamo.Backends.Llama.Kernels.Cpu;

/// <summary>
/// Causal attention for every token of a batch over its sequence's cached K and V; tokens are
/// independent once their K and V are stored, so long batches split across the CPU threads,
/// token t to part t mod parts (later prompt tokens attend further, so interleaving balances).
/// </summary>
internal sealed class CpuAttention(LlamaConfig config, CpuThreads threads) : ParallelWork
{
    private CpuScratch? _scratch;
    private int _layer;
    private int _count;

    public void Attend(ReadOnlySpan<BatchItem> items, int layer, CpuScratch scratch)
    {
        long work = 0;
        foreach (var item in items)
            work += item.Position + 1;
        items.CopyTo(scratch.Items);
        (_scratch, _layer, _count) = (scratch, layer, items.Length);
        threads.Run(this, items.Length == 1 || work * config.QDim < 1 << 16 ? 1 : threads.Count);
        _scratch = null;
        scratch.Attention.Changed();
    }

    public override void Run(int part, int parts)
    {
        var (c, s) = (config, _scratch!);
        for (var t = part; t < _count; t += parts)
            Attend(s.Items[t], _layer, s.Q.AsSpan(t * c.QDim, c.QDim), s.Attention.Values.AsSpan(t * c.QDim, c.QDim), s.Scores[part % s.Scores.Length]);
    }

    /// <summary>One token over its sequence's cache (positions up to its own); grouped-query heads share K and V.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
            CpuKernels.Softmax(scores);
            var oh = output.Slice(h * c.HeadDim, c.HeadDim);
            oh.Clear();
            for (var p = 0; p <= item.Position; p++)
                TensorPrimitives.MultiplyAdd(storage.Values.AsSpan(cache.Offset(layer, p) + kvOffset, c.HeadDim), scores[p], oh, oh);
        }
    }
}
