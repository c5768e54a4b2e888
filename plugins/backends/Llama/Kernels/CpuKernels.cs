using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Dynamo.Backends.Llama.Model;

namespace Dynamo.Backends.Llama.Kernels;

/// <summary>
/// The CPU kernels: SIMD through TensorPrimitives, matrix-vector products split across cores
/// by blocks of rows, and no allocations.
/// </summary>
internal static class CpuKernels
{
    // Below this many multiply-adds a matvec runs on the calling thread: splitting costs more than it saves.
    private const long ParallelThreshold = 1 << 16;
    private const int RowsPerTask = 64;

    public static void RmsNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, float eps, Span<float> y)
    {
        var meanSquare = TensorPrimitives.Dot(x, x) / x.Length;
        TensorPrimitives.Multiply(x, 1f / MathF.Sqrt(meanSquare + eps), y);
        TensorPrimitives.Multiply(y, weight, y);
    }

    /// <summary>
    /// y[t, r] = w[r, :] · x[t, :] (+ bias[r]) for <paramref name="tokens"/> input rows: each weight
    /// row is read (and, if packed, decoded) once for all tokens, which is what makes batched
    /// prefill and decode cheaper than one token at a time.
    /// </summary>
    public static void MatMul(WeightMatrix w, float[] x, float[] y, int tokens, float[]? bias = null)
    {
        if ((long)w.Rows * w.Cols * tokens < ParallelThreshold)
            MatMulRows(w, x, y, tokens, 0, w.Rows, bias);
        else
            Parallel.For(0, (w.Rows + RowsPerTask - 1) / RowsPerTask, block =>
                MatMulRows(w, x, y, tokens, block * RowsPerTask, Math.Min(w.Rows, (block + 1) * RowsPerTask), bias));
    }

    [ThreadStatic]
    private static float[]? _buffer;

    // Past this many tokens (prefill), inputs are taken in tiles that stay in cache while a block
    // of rows runs over them; packed rows are then decoded once for the block.
    private const int TokensPerTile = 16;

    private static void MatMulRows(WeightMatrix w, float[] x, float[] y, int tokens, int from, int to, float[]? bias)
    {
        var cols = w.Cols;
        if (tokens <= TokensPerTile)
        {
            var rowBuffer = Buffer(cols);
            for (var r = from; r < to; r++)
                RowTimesTokens(w.Row(r, rowBuffer), x, y, 0, tokens, r, w.Rows, bias?[r] ?? 0f);
            return;
        }
        var blockBuffer = Buffer(w.IsPacked ? (to - from) * cols : 0);
        if (w.IsPacked)
            for (var r = from; r < to; r++)
                w.Row(r, blockBuffer.AsSpan((r - from) * cols, cols));
        ReadOnlySpan<float> Row(int r) => w.IsPacked ? blockBuffer.AsSpan((r - from) * cols, cols) : w.Row(r, default);
        for (var tile = 0; tile < tokens; tile += TokensPerTile)
        {
            var tileEnd = Math.Min(tokens, tile + TokensPerTile);
            var r = from;
            // Two rows by four tokens: each loaded piece of an input serves both rows.
            for (; r + 2 <= to && Vector256.IsHardwareAccelerated && cols % 8 == 0; r += 2)
            {
                var t = tile;
                for (; t + 4 <= tileEnd; t += 4)
                    RowPairTimesFourTokens(Row(r), Row(r + 1), x, y, t, r, w.Rows, bias);
                for (; t < tileEnd; t++)
                {
                    y[t * w.Rows + r] = TensorPrimitives.Dot(Row(r), x.AsSpan(t * cols, cols)) + (bias?[r] ?? 0f);
                    y[t * w.Rows + r + 1] = TensorPrimitives.Dot(Row(r + 1), x.AsSpan(t * cols, cols)) + (bias?[r + 1] ?? 0f);
                }
            }
            for (; r < to; r++)
                RowTimesTokens(Row(r), x, y, tile, tileEnd, r, w.Rows, bias?[r] ?? 0f);
        }
    }

    private static void RowPairTimesFourTokens(ReadOnlySpan<float> row0, ReadOnlySpan<float> row1, float[] x, float[] y, int t, int r, int rows, float[]? bias)
    {
        var cols = row0.Length;
        ref var w0 = ref MemoryMarshal.GetReference(row0);
        ref var w1 = ref MemoryMarshal.GetReference(row1);
        ref var input = ref x[t * cols];
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
        for (var c = 0; c < cols; c += 8)
        {
            var v0 = Vector256.LoadUnsafe(ref w0, (nuint)c);
            var v1 = Vector256.LoadUnsafe(ref w1, (nuint)c);
            var x0 = Vector256.LoadUnsafe(ref input, (nuint)c);
            a0 = Vector256.FusedMultiplyAdd(v0, x0, a0);
            b0 = Vector256.FusedMultiplyAdd(v1, x0, b0);
            var x1 = Vector256.LoadUnsafe(ref input, (nuint)(cols + c));
            a1 = Vector256.FusedMultiplyAdd(v0, x1, a1);
            b1 = Vector256.FusedMultiplyAdd(v1, x1, b1);
            var x2 = Vector256.LoadUnsafe(ref input, (nuint)(2 * cols + c));
            a2 = Vector256.FusedMultiplyAdd(v0, x2, a2);
            b2 = Vector256.FusedMultiplyAdd(v1, x2, b2);
            var x3 = Vector256.LoadUnsafe(ref input, (nuint)(3 * cols + c));
            a3 = Vector256.FusedMultiplyAdd(v0, x3, a3);
            b3 = Vector256.FusedMultiplyAdd(v1, x3, b3);
        }
        float add0 = bias?[r] ?? 0f, add1 = bias?[r + 1] ?? 0f;
        y[t * rows + r] = Vector256.Sum(a0) + add0;
        y[(t + 1) * rows + r] = Vector256.Sum(a1) + add0;
        y[(t + 2) * rows + r] = Vector256.Sum(a2) + add0;
        y[(t + 3) * rows + r] = Vector256.Sum(a3) + add0;
        y[t * rows + r + 1] = Vector256.Sum(b0) + add1;
        y[(t + 1) * rows + r + 1] = Vector256.Sum(b1) + add1;
        y[(t + 2) * rows + r + 1] = Vector256.Sum(b2) + add1;
        y[(t + 3) * rows + r + 1] = Vector256.Sum(b3) + add1;
    }

    private static float[] Buffer(int length) =>
        _buffer is { } b && b.Length >= length ? b : _buffer = new float[Math.Max(length, 1024)];

    /// <summary>y[t, r] = row · x[t] + add for tokens from..to, four at a time where SIMD allows.</summary>
    private static void RowTimesTokens(ReadOnlySpan<float> row, float[] x, float[] y, int from, int to, int r, int rows, float add)
    {
        var cols = row.Length;
        var t = from;
        for (; t + 4 <= to && Vector256.IsHardwareAccelerated && cols % 8 == 0; t += 4)
        {
            var (s0, s1, s2, s3) = Dot4(row, x.AsSpan(t * cols, 4 * cols), cols);
            y[t * rows + r] = s0 + add;
            y[(t + 1) * rows + r] = s1 + add;
            y[(t + 2) * rows + r] = s2 + add;
            y[(t + 3) * rows + r] = s3 + add;
        }
        for (; t < to; t++)
            y[t * rows + r] = TensorPrimitives.Dot(row, x.AsSpan(t * cols, cols)) + add;
    }

    /// <summary>The row's dot products with four consecutive input rows of length <paramref name="cols"/> (a multiple of 8).</summary>
    private static (float, float, float, float) Dot4(ReadOnlySpan<float> row, ReadOnlySpan<float> inputs, int cols)
    {
        ref var w = ref MemoryMarshal.GetReference(row);
        ref var x = ref MemoryMarshal.GetReference(inputs);
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
        for (var c = 0; c < cols; c += 8)
        {
            var weights = Vector256.LoadUnsafe(ref w, (nuint)c);
            a0 = Vector256.FusedMultiplyAdd(weights, Vector256.LoadUnsafe(ref x, (nuint)c), a0);
            a1 = Vector256.FusedMultiplyAdd(weights, Vector256.LoadUnsafe(ref x, (nuint)(cols + c)), a1);
            a2 = Vector256.FusedMultiplyAdd(weights, Vector256.LoadUnsafe(ref x, (nuint)(2 * cols + c)), a2);
            a3 = Vector256.FusedMultiplyAdd(weights, Vector256.LoadUnsafe(ref x, (nuint)(3 * cols + c)), a3);
        }
        return (Vector256.Sum(a0), Vector256.Sum(a1), Vector256.Sum(a2), Vector256.Sum(a3));
    }

    /// <summary>Rotates the first <c>ropeDim</c> dimensions of each head by position <paramref name="pos"/>.</summary>
    /// <param name="inverseFrequencies">base^(-2i/ropeDim) for i below ropeDim/2.</param>
    public static void Rope(Span<float> vectors, int heads, int headDim, ReadOnlySpan<float> inverseFrequencies, int pos, bool halfSplit)
    {
        var pairs = inverseFrequencies.Length;
        for (var i = 0; i < pairs; i++)
        {
            var (sin, cos) = MathF.SinCos(pos * inverseFrequencies[i]);
            var (a, b) = halfSplit ? (i, i + pairs) : (2 * i, 2 * i + 1);
            for (var h = 0; h < heads; h++)
            {
                var head = vectors.Slice(h * headDim, headDim);
                var (x0, x1) = (head[a], head[b]);
                head[a] = x0 * cos - x1 * sin;
                head[b] = x0 * sin + x1 * cos;
            }
        }
    }

    public static float[] RopeInverseFrequencies(int ropeDim, float ropeBase) =>
        Enumerable.Range(0, ropeDim / 2).Select(i => MathF.Pow(ropeBase, -2f * i / ropeDim)).ToArray();

    /// <summary>gate = silu(gate) * up, in place.</summary>
    public static void SwiGlu(Span<float> gate, ReadOnlySpan<float> up)
    {
        for (var i = 0; i < gate.Length; i++)
            gate[i] = gate[i] / (1f + MathF.Exp(-gate[i])) * up[i];
    }

    public static void Softmax(Span<float> x) => TensorPrimitives.SoftMax(x, x);
}
