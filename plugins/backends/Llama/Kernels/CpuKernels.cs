using System.Numerics.Tensors;
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
    private static float[]? _rowBuffer;

    private static void MatMulRows(WeightMatrix w, float[] x, float[] y, int tokens, int from, int to, float[]? bias)
    {
        var cols = w.Cols;
        var buffer = _rowBuffer is { } b && b.Length >= cols ? b : _rowBuffer = new float[cols];
        for (var r = from; r < to; r++)
        {
            var row = w.Row(r, buffer);
            var add = bias?[r] ?? 0f;
            for (var t = 0; t < tokens; t++)
                y[t * w.Rows + r] = TensorPrimitives.Dot(row, x.AsSpan(t * cols, cols)) + add;
        }
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
