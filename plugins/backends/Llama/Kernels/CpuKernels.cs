using System.Runtime.CompilerServices;
using Dynamo.Backends.Llama.Kernels.Cpu;

namespace Dynamo.Backends.Llama.Kernels;

/// <summary>
/// The CPU's small kernels (norms, RoPE, activations): SIMD through <see cref="Vectors"/>, no
/// allocations. Matrix products are <see cref="Cpu.CpuMatMul"/>. Hot paths are compiled fully
/// optimised at once: tiered compilation would run a server's first requests on slow code.
/// </summary>
internal static class CpuKernels
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RmsNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, float eps, Span<float> y)
    {
        var meanSquare = Vectors.Dot(x, x) / x.Length;
        Vectors.ScaleBy(x, 1f / MathF.Sqrt(meanSquare + eps), weight, y);
    }

    /// <summary>The cosines and sines of position <paramref name="pos"/>'s rotation angles, one per pair (computed once per token, shared by every layer).</summary>
    /// <param name="inverseFrequencies">base^(-2i/ropeDim) for i below ropeDim/2.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RopeAngles(ReadOnlySpan<float> inverseFrequencies, int pos, Span<float> cos, Span<float> sin)
    {
        for (var i = 0; i < inverseFrequencies.Length; i++)
            (sin[i], cos[i]) = MathF.SinCos(pos * inverseFrequencies[i]);
    }

    /// <summary>Rotates the first 2·cos.Length dimensions of each head by the angles of <see cref="RopeAngles"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Rope(Span<float> vectors, int heads, int headDim, ReadOnlySpan<float> cos, ReadOnlySpan<float> sin, bool halfSplit)
    {
        var pairs = cos.Length;
        for (var h = 0; h < heads; h++)
        {
            var head = vectors.Slice(h * headDim, headDim);
            for (var i = 0; i < pairs; i++)
            {
                var (a, b) = halfSplit ? (i, i + pairs) : (2 * i, 2 * i + 1);
                var (x0, x1) = (head[a], head[b]);
                head[a] = x0 * cos[i] - x1 * sin[i];
                head[b] = x0 * sin[i] + x1 * cos[i];
            }
        }
    }

    public static float[] RopeInverseFrequencies(int ropeDim, float ropeBase) =>
        Enumerable.Range(0, ropeDim / 2).Select(i => MathF.Pow(ropeBase, -2f * i / ropeDim)).ToArray();

}
