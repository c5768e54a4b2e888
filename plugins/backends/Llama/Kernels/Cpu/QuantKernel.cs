using Dynamo.Backends.Llama.Gguf;

namespace Dynamo.Backends.Llama.Kernels.Cpu;

/// <summary>
/// Products of quantized weight rows with quantized input rows (<see cref="QuantizedRows"/>) as
/// integer dot products, one class per weight type, layout and instruction-set path, chosen once.
/// </summary>
internal abstract class QuantKernel
{
    public static bool IsQuantized(GgmlType type) => type is GgmlType.Q8_0 or GgmlType.Q4_0 or GgmlType.Q4_K or GgmlType.Q6_K;

    public static QuantKernel For(GgmlType type, bool interleaved, CpuPath path) => type switch
    {
        GgmlType.Q8_0 when interleaved => path switch
        {
            CpuPath.Vnni => new Q8_0x8Kernel<VnniByteDot>(),
            CpuPath.Avx2 => new Q8_0x8Kernel<Avx2ByteDot>(),
            _ => new Q8_0x8Kernel<PortableByteDot>(),
        },
        GgmlType.Q4_K when interleaved => path switch
        {
            CpuPath.Vnni => new Q4Kx8Kernel<VnniByteDot>(),
            CpuPath.Avx2 => new Q4Kx8Kernel<Avx2ByteDot>(),
            _ => new Q4Kx8Kernel<PortableByteDot>(),
        },
        GgmlType.Q6_K when interleaved => path switch
        {
            CpuPath.Vnni => new Q6Kx8Kernel<VnniByteDot>(),
            CpuPath.Avx2 => new Q6Kx8Kernel<Avx2ByteDot>(),
            _ => new Q6Kx8Kernel<PortableByteDot>(),
        },
        GgmlType.Q8_0 => Create<Q8_0Blocks>(path),
        GgmlType.Q4_0 => Create<Q4_0Blocks>(path),
        GgmlType.Q4_K => CreateK<Q4KBlocks>(path),
        GgmlType.Q6_K => CreateK<Q6KBlocks>(path),
        _ => throw new ArgumentException($"{type} has no integer kernel."),
    };

    private static QuantKernel Create<TBlocks>(CpuPath path) where TBlocks : struct, IQuantBlocks => path switch
    {
        CpuPath.Vnni => new QuantKernel<TBlocks, VnniByteDot>(),
        CpuPath.Avx2 => new QuantKernel<TBlocks, Avx2ByteDot>(),
        _ => new QuantKernel<TBlocks, PortableByteDot>(),
    };

    private static QuantKernel CreateK<TBlocks>(CpuPath path) where TBlocks : struct, IKQuantBlocks => path switch
    {
        CpuPath.Vnni => new KQuantKernel<TBlocks, VnniByteDot>(),
        CpuPath.Avx2 => new KQuantKernel<TBlocks, Avx2ByteDot>(),
        _ => new KQuantKernel<TBlocks, PortableByteDot>(),
    };

    /// <summary>
    /// y[t, r] = row r · x[t] (+ bias[r]) for rows <paramref name="from"/>..<paramref name="to"/> of
    /// a matrix stored as <paramref name="rowBytes"/>-byte rows, and every token of <paramref name="x"/>.
    /// </summary>
    public abstract void Multiply(ReadOnlySpan<byte> matrix, int rowBytes, int from, int to, QuantizedRows x, int tokens, float[] y, int rows, float[]? bias);
}
