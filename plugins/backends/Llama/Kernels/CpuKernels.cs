using System.Numerics.Tensors;

namespace Dynamo.Backends.Llama.Kernels;

/// <summary>
/// The CPU's small kernels (norms, RoPE, activations): SIMD through TensorPrimitives, no
/// allocations. Matrix products are <see cref="Cpu.CpuMatMul"/>.
/// </summary>
internal static class CpuKernels
{
    public static void RmsNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, float eps, Span<float> y)
    {
        var meanSquare = TensorPrimitives.Dot(x, x) / x.Length;
        TensorPrimitives.Multiply(x, 1f / MathF.Sqrt(meanSquare + eps), y);
        TensorPrimitives.Multiply(y, weight, y);
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

    /// <summary>gate = silu(gate) * up, in place (up is overwritten), vectorised: silu(g)·u = σ(g)·(g·u).</summary>
    public static void SwiGlu(Span<float> gate, Span<float> up)
    {
        TensorPrimitives.Multiply(gate, up, up);
        TensorPrimitives.Sigmoid(gate, gate);
        TensorPrimitives.Multiply(gate, up, gate);
    }

    public static void Softmax(Span<float> x) => TensorPrimitives.SoftMax(x, x);
}
