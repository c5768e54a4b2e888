using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Dynamo.Backends.Llama.Model;

namespace Dynamo.Backends.Llama.Kernels.Cpu;

/// <summary>
/// Causal attention for every token of a batch over its sequence's cached K and V. Tokens are
/// independent once their K and V are stored: a batch splits across the CPU threads by token
/// (token t to part t mod parts, since later prompt tokens attend further), a single decode
/// token by heads. Keys and values are walked block by block (their slots are contiguous), with
/// inline vector dot products: a call per position and head would cost more than the arithmetic.
/// </summary>
internal sealed class CpuAttention(LlamaConfig config, CpuThreads threads) : ParallelWork
{
    private CpuScratch? _scratch;
    private int _layer;
    private int _count;

    /// <summary>Attention of the first <paramref name="count"/> tokens of <see cref="CpuScratch.Items"/> in <paramref name="layer"/>.</summary>
    public void Attend(int count, int layer, CpuScratch scratch)
    {
        long work = 0;
        for (var t = 0; t < count; t++)
            work += scratch.Items[t].Position + 1;
        (_scratch, _layer, _count) = (scratch, layer, count);
        threads.Run(this, work * config.QDim < 1 << 15 ? 1 : count == 1 ? Math.Min(threads.Count, config.Heads) : threads.Count);
        _scratch = null;
        scratch.Attention.Changed();
    }

    public override void Run(int part, int parts)
    {
        var (c, s) = (config, _scratch!);
        var scores = s.Scores[part % s.Scores.Length];
        if (_count == 1)
        {
            var (from, to) = (part * c.Heads / parts, (part + 1) * c.Heads / parts);
            Attend(s.Items[0], _layer, s.Q.AsSpan(0, c.QDim), s.Attention.Values.AsSpan(0, c.QDim), scores, from, to);
            return;
        }
        for (var t = part; t < _count; t += parts)
            Attend(s.Items[t], _layer, s.Q.AsSpan(t * c.QDim, c.QDim), s.Attention.Values.AsSpan(t * c.QDim, c.QDim), scores, 0, c.Heads);
    }

    /// <summary>Heads <paramref name="from"/>..<paramref name="to"/> of one token over its sequence's cache (positions up to its own); grouped-query heads share K and V.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Attend(BatchItem item, int layer, ReadOnlySpan<float> q, Span<float> output, float[] scoreBuffer, int from, int to)
    {
        var c = config;
        var (headDim, kvDim) = (c.HeadDim, c.KvDim);
        var scale = 1f / MathF.Sqrt(headDim);
        var group = c.Heads / c.KvHeads;
        var cache = item.Sequence;
        var pool = cache.Pool;
        var storage = (HostKvStorage)pool.Storage;
        var positions = item.Position + 1;
        var scores = scoreBuffer.AsSpan(0, positions);
        ref var keys = ref MemoryMarshal.GetArrayDataReference(storage.Keys);
        ref var values = ref MemoryMarshal.GetArrayDataReference(storage.Values);
        for (var h = from; h < to; h++)
        {
            var qh = q.Slice(h * headDim, headDim);
            var kvOffset = h / group * headDim;
            for (var p = 0; p < positions; p += pool.BlockSize)
            {
                ref var first = ref Unsafe.Add(ref keys, cache.Offset(layer, p) + kvOffset);
                var slots = Math.Min(pool.BlockSize, positions - p);
                for (var s = 0; s < slots; s++)
                    scores[p + s] = Dot(qh, ref Unsafe.Add(ref first, s * kvDim)) * scale;
            }
            Vectors.Softmax(scores);
            var oh = output.Slice(h * headDim, headDim);
            oh.Clear();
            for (var p = 0; p < positions; p += pool.BlockSize)
            {
                ref var first = ref Unsafe.Add(ref values, cache.Offset(layer, p) + kvOffset);
                var slots = Math.Min(pool.BlockSize, positions - p);
                var s = 0;
                if (Vector256.IsHardwareAccelerated && headDim % 8 == 0)
                    for (; s + 4 <= slots; s += 4)
                        AddScaledFour(oh, ref Unsafe.Add(ref first, s * kvDim), kvDim, scores.Slice(p + s, 4));
                for (; s < slots; s++)
                    AddScaled(oh, ref Unsafe.Add(ref first, s * kvDim), scores[p + s]);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Dot(ReadOnlySpan<float> q, ref float k)
    {
        if (!Vector256.IsHardwareAccelerated || q.Length % 8 != 0)
            return Vectors.Dot(q, MemoryMarshal.CreateReadOnlySpan(ref k, q.Length));
        ref var x = ref MemoryMarshal.GetReference(q);
        var acc = Vector256<float>.Zero;
        for (var i = 0; i < q.Length; i += 8)
            acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x, (nuint)i), Vector256.LoadUnsafe(ref k, (nuint)i), acc);
        return Vector256.Sum(acc);
    }

    /// <summary>output += Σ weights[j] · v_j for four values <paramref name="stride"/> floats apart: the output is read and written once for four.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddScaledFour(Span<float> output, ref float v, int stride, ReadOnlySpan<float> weights)
    {
        ref var o = ref MemoryMarshal.GetReference(output);
        ref var v1 = ref Unsafe.Add(ref v, stride);
        ref var v2 = ref Unsafe.Add(ref v, 2 * stride);
        ref var v3 = ref Unsafe.Add(ref v, 3 * stride);
        var (w0, w1, w2, w3) = (Vector256.Create(weights[0]), Vector256.Create(weights[1]), Vector256.Create(weights[2]), Vector256.Create(weights[3]));
        for (nuint i = 0; i < (nuint)output.Length; i += 8)
        {
            var sum = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref v, i), w0, Vector256.LoadUnsafe(ref o, i));
            sum = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref v1, i), w1, sum);
            sum = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref v2, i), w2, sum);
            Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref v3, i), w3, sum).StoreUnsafe(ref o, i);
        }
    }

    /// <summary>output += weight · v.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddScaled(Span<float> output, ref float v, float weight)
    {
        if (!Vector256.IsHardwareAccelerated || output.Length % 8 != 0)
        {
            TensorPrimitives.MultiplyAdd(MemoryMarshal.CreateReadOnlySpan(ref v, output.Length), weight, output, output);
            return;
        }
        ref var o = ref MemoryMarshal.GetReference(output);
        var w = Vector256.Create(weight);
        for (var i = 0; i < output.Length; i += 8)
            Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref v, (nuint)i), w, Vector256.LoadUnsafe(ref o, (nuint)i)).StoreUnsafe(ref o, (nuint)i);
    }
}
