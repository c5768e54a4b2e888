using System.Runtime.Intrinsics;

namespace Dynamo.Backends.Llama.Kernels.Cpu;

/// <summary>The portable path: cross-platform vector widening and multiplies, for CPUs without AVX2 (and Arm).</summary>
internal readonly struct PortableByteDot : IByteDot
{
    public static Vector256<int> Dot(Vector256<byte> u, Vector256<sbyte> s)
    {
        var (uLow, uHigh) = Vector256.Widen(u);
        var (sLow, sHigh) = Vector256.Widen(s);
        // Products fit 16 bits (255 · 127); lane i gathers bytes 4i..4i+3, as vpdpbusd does.
        var first = Quads(uLow.AsInt16() * sLow);
        var second = Quads(uHigh.AsInt16() * sHigh);
        return Vector256.Create(first.GetLower(), second.GetLower());
    }

    /// <summary>Sums of four adjacent 16-bit products, in the lower four lanes.</summary>
    private static Vector256<int> Quads(Vector256<short> products)
    {
        var packed = products.AsInt32();
        var pairs = Vector256.ShiftRightArithmetic(Vector256.ShiftLeft(packed, 16), 16) + Vector256.ShiftRightArithmetic(packed, 16);
        return Vector256.Shuffle(pairs, Vector256.Create(0, 2, 4, 6, 0, 2, 4, 6)) + Vector256.Shuffle(pairs, Vector256.Create(1, 3, 5, 7, 1, 3, 5, 7));
    }

    // vpmaddubsw would saturate on w + 128 (up to 255 · 127, twice): back to signed weights and the sign trick.
    public static Vector256<int> OffsetDot(Vector256<int> acc, Vector256<byte> weightsPlus128, Vector256<sbyte> x)
    {
        var w = (weightsPlus128 ^ Vector256.Create((byte)0x80)).AsSByte();
        return acc + Dot(Abs(w), Sign(x, w));
    }

    public static Vector256<int> OffsetCorrection(int inputSum) => Vector256<int>.Zero;

    public static Vector256<int> DotAdd(Vector256<int> acc, Vector256<byte> u, Vector256<sbyte> s) => acc + Dot(u, s);

    public static Vector256<byte> Abs(Vector256<sbyte> w) => Vector256.Abs(w).AsByte();

    public static Vector256<sbyte> Sign(Vector256<sbyte> x, Vector256<sbyte> w) =>
        Vector256.ConditionalSelect(Vector256.LessThan(w, Vector256<sbyte>.Zero), -x,
            Vector256.ConditionalSelect(Vector256.Equals(w, Vector256<sbyte>.Zero), Vector256<sbyte>.Zero, x));
}
