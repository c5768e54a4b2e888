using ILGPU;
using ILGPU.Runtime;

namespace Dynamo.Backends.Llama.Kernels.Gpu;

/// <summary>
/// The ILGPU kernels, compiled once per accelerator. Token-parallel work (RoPE, KV stores,
/// SwiGLU, gathers) runs one thread per element; reductions (matrix rows, norms, attention) run
/// one warp per row with shuffles, so nothing waits on shared memory.
/// </summary>
internal sealed class GpuKernels
{
    /// <summary>Tokens a warp carries through one pass over a weight row: each weight read serves all of them.</summary>
    public const int TokensPerWarp = 4;

    /// <summary>Head dimensions one attention lane accumulates; a head may be up to this many warps wide.</summary>
    public const int DimsPerLane = 8;

    private readonly Accelerator _accelerator;
    private readonly int _warp;
    private readonly int _warpsPerGroup;
    private readonly Action<KernelConfig, F32Rows, ArrayView<float>, ArrayView<float>, ArrayView<float>, MatMulShape> _matMulF32;
    private readonly Action<KernelConfig, F16Rows, ArrayView<float>, ArrayView<float>, ArrayView<float>, MatMulShape> _matMulF16;
    private readonly Action<KernelConfig, Q8Rows, ArrayView<float>, ArrayView<float>, ArrayView<float>, MatMulShape> _matMulQ8;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, RowLayout> _rmsNorm;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, RopeShape> _rope;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<int>, CacheShape> _storeKv;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<float>, CacheShape> _attention;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, int> _swiGlu;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>, int> _gatherRows;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<ulong>, int> _maskLogits;

    public GpuKernels(Accelerator accelerator)
    {
        _accelerator = accelerator;
        _warp = accelerator.WarpSize;
        _warpsPerGroup = Math.Max(1, Math.Min(4, accelerator.MaxNumThreadsPerGroup / _warp));
        _matMulF32 = accelerator.LoadStreamKernel<F32Rows, ArrayView<float>, ArrayView<float>, ArrayView<float>, MatMulShape>(MatMulKernel);
        _matMulF16 = accelerator.LoadStreamKernel<F16Rows, ArrayView<float>, ArrayView<float>, ArrayView<float>, MatMulShape>(MatMulKernel);
        _matMulQ8 = accelerator.LoadStreamKernel<Q8Rows, ArrayView<float>, ArrayView<float>, ArrayView<float>, MatMulShape>(MatMulKernel);
        _rmsNorm = accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, RowLayout>(RmsNormKernel);
        _rope = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, RopeShape>(RopeKernel);
        _storeKv = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<int>, CacheShape>(StoreKvKernel);
        _attention = accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<float>, CacheShape>(AttentionKernel);
        _swiGlu = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int>(SwiGluKernel);
        _gatherRows = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>, int>(GatherRowsKernel);
        _maskLogits = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<ulong>, int>(MaskLogitsKernel);
    }

    /// <summary>The widest attention head the kernel takes on this accelerator.</summary>
    public int MaxHeadDim => DimsPerLane * _warp;

    /// <param name="bias">Added per output row; an empty view for none.</param>
    /// <param name="accumulate">Add the product to y (a residual connection) instead of overwriting it.</param>
    public void MatMul(GpuMatrix w, ArrayView<float> x, ArrayView<float> y, int tokens, ArrayView<float> bias, bool accumulate)
    {
        var shape = new MatMulShape { Rows = w.Rows, Cols = w.Cols, Tokens = tokens, HasBias = bias.Length > 0 ? 1 : 0, Accumulate = accumulate ? 1 : 0 };
        var config = new KernelConfig(
            new Index2D((w.Rows + _warpsPerGroup - 1) / _warpsPerGroup, (tokens + TokensPerWarp - 1) / TokensPerWarp),
            new Index2D(_warpsPerGroup * _warp, 1));
        if (bias.Length == 0)
            bias = x.SubView(0, 1); // never read; ILGPU wants a real view
        switch (w.Format)
        {
            case GpuMatrixFormat.F32: _matMulF32(config, new F32Rows(w.Floats), x, y, bias, shape); break;
            case GpuMatrixFormat.F16: _matMulF16(config, new F16Rows(w.Halves.Cast<ulong>()), x, y, bias, shape); break;
            default: _matMulQ8(config, new Q8Rows(w.Quants.Cast<uint>(), w.Scales), x, y, bias, shape); break;
        }
    }

    /// <summary>y = x / rms(x) · weight over each row of <paramref name="layout"/> (x and y may be the same view).</summary>
    public void RmsNorm(ArrayView<float> x, ArrayView<float> y, ArrayView<float> weight, int rows, RowLayout layout) =>
        _rmsNorm(new KernelConfig(rows, _warp), x, y, weight, layout);

    /// <param name="cosSin">Per token and rotated pair: cos, sin of position · frequency.</param>
    public void Rope(ArrayView<float> qkv, ArrayView<float> cosSin, int tokens, RopeShape shape) =>
        _rope(tokens * shape.Heads * shape.Pairs, qkv, cosSin, shape);

    /// <param name="tokenInfo">Per token: position, then where its sequence's block table starts in <paramref name="tables"/>.</param>
    public void StoreKv(ArrayView<float> qkv, ArrayView<float> keys, ArrayView<float> values, ArrayView<int> tokenInfo, ArrayView<int> tables, int tokens, CacheShape shape) =>
        _storeKv(tokens * shape.KvDim, qkv, keys, values, tokenInfo, tables, shape);

    public void Attention(ArrayView<float> qkv, ArrayView<float> keys, ArrayView<float> values, ArrayView<int> tokenInfo, ArrayView<int> tables, ArrayView<float> output, int tokens, CacheShape shape) =>
        _attention(new KernelConfig(tokens * shape.Heads, _warp), qkv, keys, values, tokenInfo, tables, output, shape);

    /// <summary>output[t, j] = silu(gateUp[t, j]) · gateUp[t, ffn + j].</summary>
    public void SwiGlu(ArrayView<float> gateUp, ArrayView<float> output, int tokens, int ffn) =>
        _swiGlu(tokens * ffn, gateUp, output, ffn);

    /// <summary>Copies rows <paramref name="rows"/> of <paramref name="source"/> (width <paramref name="width"/>) into consecutive rows of <paramref name="target"/>.</summary>
    public void GatherRows(ArrayView<float> source, ArrayView<float> target, ArrayView<int> rows, int count, int width) =>
        _gatherRows(count * width, source, target, rows, width);

    /// <summary>Sets to -∞ each logit whose bit in its row's mask (<c>(vocab + 63) / 64</c> words per row) is clear.</summary>
    public void MaskLogits(ArrayView<float> logits, ArrayView<ulong> masks, int rows, int vocab) =>
        _maskLogits(rows * vocab, logits, masks, vocab);

    public void Synchronize() => _accelerator.Synchronize();

    private static float WarpSum(float value)
    {
        for (var offset = Warp.WarpSize / 2; offset > 0; offset /= 2)
            value += Warp.ShuffleXor(value, offset);
        return value;
    }

    private static float WarpMax(float value)
    {
        for (var offset = Warp.WarpSize / 2; offset > 0; offset /= 2)
            value = IntrinsicMath.Max(value, Warp.ShuffleXor(value, offset));
        return value;
    }

    // One warp per weight row and group of four tokens. Each lane reads four consecutive weights
    // at a time (one load for F16 and Q8_0), two such quads per pass, so enough bytes are in
    // flight to approach the card's bandwidth; a warp's quads are adjacent, so reads coalesce.
    // Whole warps stay in the shuffles even past the last row.
    private static void MatMulKernel<TW>(TW w, ArrayView<float> x, ArrayView<float> y, ArrayView<float> bias, MatMulShape s)
        where TW : struct, IWeightRows
    {
        var row = Grid.IdxX * (Group.DimX / Warp.WarpSize) + Warp.WarpIdx;
        var first = Grid.IdxY * TokensPerWarp;
        var count = s.Tokens - first;
        var active = row < s.Rows;
        float a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        if (active)
        {
            var quads = s.Cols / 4;
            var rowQuad = row * quads;
            var x0 = (long)first * s.Cols;
            var step = Warp.WarpSize;
            var q = Warp.LaneIdx;
            for (; q < quads; q += 2 * step)
            {
                w.Get4(rowQuad + q, out var w0, out var w1, out var w2, out var w3);
                var more = q + step < quads;
                float v0 = 0, v1 = 0, v2 = 0, v3 = 0;
                if (more)
                    w.Get4(rowQuad + q + step, out v0, out v1, out v2, out v3);
                var c = 4L * q;
                var d = more ? 4L * (q + step) : c; // a zero quad when there is no second one
                a0 += Dot8(x, x0 + c, x0 + d, w0, w1, w2, w3, v0, v1, v2, v3);
                if (count > 1)
                    a1 += Dot8(x, x0 + s.Cols + c, x0 + s.Cols + d, w0, w1, w2, w3, v0, v1, v2, v3);
                if (count > 2)
                    a2 += Dot8(x, x0 + 2L * s.Cols + c, x0 + 2L * s.Cols + d, w0, w1, w2, w3, v0, v1, v2, v3);
                if (count > 3)
                    a3 += Dot8(x, x0 + 3L * s.Cols + c, x0 + 3L * s.Cols + d, w0, w1, w2, w3, v0, v1, v2, v3);
            }
        }
        a0 = WarpSum(a0);
        a1 = WarpSum(a1);
        a2 = WarpSum(a2);
        a3 = WarpSum(a3);
        if (!active || Warp.LaneIdx != 0)
            return;
        var b = s.HasBias != 0 ? bias[row] : 0f;
        Store(y, (long)first * s.Rows + row, a0 + b, s.Accumulate);
        if (count > 1)
            Store(y, (long)(first + 1) * s.Rows + row, a1 + b, s.Accumulate);
        if (count > 2)
            Store(y, (long)(first + 2) * s.Rows + row, a2 + b, s.Accumulate);
        if (count > 3)
            Store(y, (long)(first + 3) * s.Rows + row, a3 + b, s.Accumulate);
    }

    private static float Dot8(ArrayView<float> x, long c, long d, float w0, float w1, float w2, float w3, float v0, float v1, float v2, float v3) =>
        w0 * x[c] + w1 * x[c + 1] + w2 * x[c + 2] + w3 * x[c + 3] + v0 * x[d] + v1 * x[d + 1] + v2 * x[d + 2] + v3 * x[d + 3];

    private static void Store(ArrayView<float> y, long at, float value, int accumulate) =>
        y[at] = accumulate != 0 ? y[at] + value : value;

    // One warp per row.
    private static void RmsNormKernel(ArrayView<float> x, ArrayView<float> y, ArrayView<float> weight, RowLayout l)
    {
        var row = Grid.IdxX;
        var start = (long)(row / l.RowsPerToken) * l.TokenStride + l.Offset + (long)(row % l.RowsPerToken) * l.N;
        var sum = 0f;
        for (var i = Group.IdxX; i < l.N; i += Group.DimX)
        {
            var v = x[start + i];
            sum += v * v;
        }
        var scale = 1f / MathF.Sqrt(WarpSum(sum) / l.N + l.Eps);
        for (var i = Group.IdxX; i < l.N; i += Group.DimX)
            y[start + i] = x[start + i] * scale * weight[i];
    }

    // One thread per (token, head, rotated pair); query heads and then key heads of the fused QKV row.
    private static void RopeKernel(Index1D index, ArrayView<float> qkv, ArrayView<float> cosSin, RopeShape s)
    {
        var pair = index.X % s.Pairs;
        var rest = index.X / s.Pairs;
        var head = rest % s.Heads;
        var token = rest / s.Heads;
        var a = s.HalfSplit != 0 ? pair : 2 * pair;
        var b = s.HalfSplit != 0 ? pair + s.Pairs : 2 * pair + 1;
        var start = (long)token * s.Stride + head * s.HeadDim;
        var at = ((long)token * s.Pairs + pair) * 2;
        var cos = cosSin[at];
        var sin = cosSin[at + 1];
        var x0 = qkv[start + a];
        var x1 = qkv[start + b];
        qkv[start + a] = x0 * cos - x1 * sin;
        qkv[start + b] = x0 * sin + x1 * cos;
    }

    private static long Slot(ArrayView<int> tables, int table, int position, CacheShape s) =>
        (((long)tables[table + position / s.BlockSize] * s.Layers + s.Layer) * s.BlockSize + position % s.BlockSize) * s.KvDim;

    // One thread per (token, kv feature): the token's K and V into its sequence's block.
    private static void StoreKvKernel(Index1D index, ArrayView<float> qkv, ArrayView<float> keys, ArrayView<float> values, ArrayView<int> tokenInfo, ArrayView<int> tables, CacheShape s)
    {
        var token = index.X / s.KvDim;
        var j = index.X % s.KvDim;
        var at = Slot(tables, tokenInfo[2 * token + 1], tokenInfo[2 * token], s) + j;
        var row = (long)token * s.Stride + s.QDim + j;
        keys[at] = qkv[row];
        values[at] = qkv[row + s.KvDim];
    }

    // One warp per (token, head). Positions go a warp-width at a time: each lane scores one, the
    // running max and sum are rescaled as in flash attention, and each lane accumulates its own
    // dimensions of the output, so no score is ever written to memory.
    private static void AttentionKernel(ArrayView<float> qkv, ArrayView<float> keys, ArrayView<float> values, ArrayView<int> tokenInfo, ArrayView<int> tables, ArrayView<float> output, CacheShape s)
    {
        var token = Grid.IdxX / s.Heads;
        var head = Grid.IdxX % s.Heads;
        var lane = Group.IdxX;
        var width = Group.DimX;
        var position = tokenInfo[2 * token];
        var table = tokenInfo[2 * token + 1];
        var q = (long)token * s.Stride + head * s.HeadDim;
        var kv = head / s.GroupSize * s.HeadDim;
        var o = LocalMemory.Allocate<float>(DimsPerLane);
        for (var k = 0; k < DimsPerLane; k++)
            o[k] = 0f;
        var max = float.NegativeInfinity;
        var sum = 0f;
        for (var chunk = 0; chunk <= position; chunk += width)
        {
            var p = chunk + lane;
            var score = float.NegativeInfinity;
            if (p <= position)
            {
                var at = Slot(tables, table, p, s) + kv;
                var dot = 0f;
                for (var d = 0; d < s.HeadDim; d++)
                    dot += qkv[q + d] * keys[at + d];
                score = dot * s.Scale;
            }
            var newMax = IntrinsicMath.Max(max, WarpMax(score));
            var correction = MathF.Exp(max - newMax);
            var e = p <= position ? MathF.Exp(score - newMax) : 0f;
            sum = sum * correction + WarpSum(e);
            for (var k = 0; k < DimsPerLane; k++)
                o[k] *= correction;
            var last = IntrinsicMath.Min(width, position - chunk + 1);
            for (var j = 0; j < last; j++)
            {
                var weight = Warp.Shuffle(e, j);
                var at = Slot(tables, table, chunk + j, s) + kv;
                for (var k = 0; k < DimsPerLane; k++)
                {
                    var d = lane + k * width;
                    if (d < s.HeadDim)
                        o[k] += weight * values[at + d];
                }
            }
            max = newMax;
        }
        for (var k = 0; k < DimsPerLane; k++)
        {
            var d = lane + k * width;
            if (d < s.HeadDim)
                output[(long)token * s.QDim + head * s.HeadDim + d] = o[k] / sum;
        }
    }

    private static void SwiGluKernel(Index1D index, ArrayView<float> gateUp, ArrayView<float> output, int ffn)
    {
        var token = index.X / ffn;
        var j = index.X % ffn;
        var gate = gateUp[(long)token * 2 * ffn + j];
        output[index] = gate / (1f + MathF.Exp(-gate)) * gateUp[(long)token * 2 * ffn + ffn + j];
    }

    private static void GatherRowsKernel(Index1D index, ArrayView<float> source, ArrayView<float> target, ArrayView<int> rows, int width) =>
        target[index] = source[(long)rows[index.X / width] * width + index.X % width];

    private static void MaskLogitsKernel(Index1D index, ArrayView<float> logits, ArrayView<ulong> masks, int vocab)
    {
        var row = index.X / vocab;
        var token = index.X % vocab;
        var word = masks[(long)row * ((vocab + 63) / 64) + token / 64];
        if ((word >> (token % 64) & 1UL) == 0)
            logits[index] = float.NegativeInfinity;
    }
}
