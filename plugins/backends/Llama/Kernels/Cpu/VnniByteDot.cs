using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Dynamo.Backends.Llama.Kernels.Cpu;

/// <summary>VNNI (vpdpbusd): one instruction multiplies, widens and sums four byte pairs per lane.</summary>
internal readonly struct VnniByteDot : IByteDot
{
    public static bool IsSupported => AvxVnni.IsSupported && Avx2.IsSupported;

    public static Vector256<int> Dot(Vector256<byte> u, Vector256<sbyte> s) => AvxVnni.MultiplyWideningAndAdd(Vector256<int>.Zero, u, s);

    // Unsigned × signed is what vpdpbusd multiplies: the stored bytes go in as they are, and the
    // 128 · Σx they add is taken off once per block.
    public static Vector256<int> OffsetDot(Vector256<int> acc, Vector256<byte> weightsPlus128, Vector256<sbyte> x) =>
        AvxVnni.MultiplyWideningAndAdd(acc, weightsPlus128, x);

    public static Vector256<int> OffsetCorrection(int inputSum) => Vector256.Create(128 * inputSum);

    public static Vector256<int> DotAdd(Vector256<int> acc, Vector256<byte> u, Vector256<sbyte> s) => AvxVnni.MultiplyWideningAndAdd(acc, u, s);

    public static Vector256<byte> Abs(Vector256<sbyte> w) => Avx2.Abs(w);

    public static Vector256<sbyte> Sign(Vector256<sbyte> x, Vector256<sbyte> w) => Avx2.Sign(x, w);
}
