using System.Runtime.Intrinsics.X86;

namespace Dynamo.Backends.Llama.Kernels.Cpu;

/// <summary>The instruction-set paths of the quantized products, best first; the engine takes the best this CPU runs.</summary>
internal enum CpuPath
{
    Vnni,
    Avx2,
    Portable,
}

internal static class CpuPaths
{
    public static CpuPath Best { get; } = Supported().First();

    /// <summary>Every path this CPU can run, best first (the portable one always).</summary>
    public static IEnumerable<CpuPath> Supported()
    {
        if (VnniByteDot.IsSupported)
            yield return CpuPath.Vnni;
        if (Avx2ByteDot.IsSupported)
            yield return CpuPath.Avx2;
        yield return CpuPath.Portable;
    }

    public static string Describe(CpuPath path) => path switch
    {
        CpuPath.Vnni => "VNNI",
        CpuPath.Avx2 => "AVX2",
        _ => "portable",
    } + (Avx512F.IsSupported ? ", AVX-512 F32" : "");
}
