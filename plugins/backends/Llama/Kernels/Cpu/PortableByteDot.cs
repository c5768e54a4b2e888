using System.Runtime.Intrinsics;

namespace Dynamo.Backends.Llama.Kernels.Cpu;

/// <summary>The portable path: cross-platform vector widening and multiplies, for CPUs without AVX2 (and Arm).</summary>
internal readonly struct PortableByteDot : IByteDot
{
    public static Vector256<int> Dot(Vector256<byte> u, Vector256<sbyte> s)
    {
        var (uLow, uHigh) = Vector256.Widen(u);
        var (sLow, sHigh) = Vector256.Widen(s);
        var low = uLow.AsInt16() * sLow;
        var high = uHigh.AsInt16() * sHigh;
        var (a, b) = Vector256.Widen(low);
        var (c, d) = Vector256.Widen(high);
        var first = a + b;
        var second = c + d;
        return Vector256.Create(first.GetLower() + first.GetUpper(), second.GetLower() + second.GetUpper());
    }

    public static Vector256<byte> Abs(Vector256<sbyte> w) => Vector256.Abs(w).AsByte();

    public static Vector256<sbyte> Sign(Vector256<sbyte> x, Vector256<sbyte> w) =>
        Vector256.ConditionalSelect(Vector256.LessThan(w, Vector256<sbyte>.Zero), -x,
            Vector256.ConditionalSelect(Vector256.Equals(w, Vector256<sbyte>.Zero), Vector256<sbyte>.Zero, x));
}
