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

    // vpmaddubsw would saturate on w + 128 (up to 255 · 127, twice): back to signed weights and the sign trick.
    public static Vector256<int> OffsetDot(Vector256<int> acc, Vector256<byte> weightsPlus128, Vector256<sbyte> x)
    {
        var w = (weightsPlus128 ^ Vector256.Create((byte)0x80)).AsSByte();
        return acc + Dot(Abs(w), Sign(x, w));
    }

    public static Vector256<int> OffsetCorrection(int inputSum) => Vector256<int>.Zero;

    public static Vector256<int> DotAdd(Vector256<int> acc, Vector256<byte> u, Vector256<sbyte> s) => acc + Dot(u, s);

    public static Vector256<byte> Abs(Vector256<sbyte> w) => Avx2.Abs(w);

    public static Vector256<sbyte> Sign(Vector256<sbyte> x, Vector256<sbyte> w) => Avx2.Sign(x, w);
}
