using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Dynamo.Backends.Llama.Kernels.Cpu;

/// <summary>
/// AVX2: byte pairs multiplied and summed into 16-bit lanes (vpmaddubsw), then pairs of those into
/// 32-bit lanes (vpmaddwd by ones). The 16-bit step saturates above 32,767, which no weight type
/// here reaches: |w| ≤ 128 for signed weights and u ≤ 63 for the others, times |x| ≤ 127, twice.
/// </summary>
internal readonly struct Avx2ByteDot : IByteDot
{
    public static bool IsSupported => Avx2.IsSupported;

    public static Vector256<int> Dot(Vector256<byte> u, Vector256<sbyte> s) =>
        Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(u, s), Vector256<short>.One);

    public static Vector256<byte> Abs(Vector256<sbyte> w) => Avx2.Abs(w);

    public static Vector256<sbyte> Sign(Vector256<sbyte> x, Vector256<sbyte> w) => Avx2.Sign(x, w);
}
