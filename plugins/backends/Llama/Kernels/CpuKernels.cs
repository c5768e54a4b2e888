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
        for (var tile = 0; tile < tokens; tile += TokensPerTile)
            for (var r = from; r < to; r++)
            {
                var row = w.IsPacked ? blockBuffer.AsSpan((r - from) * cols, cols) : w.Row(r, default);
                RowTimesTokens(row, x, y, tile, Math.Min(tokens, tile + TokensPerTile), r, w.Rows, bias?[r] ?? 0f);
            }
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
