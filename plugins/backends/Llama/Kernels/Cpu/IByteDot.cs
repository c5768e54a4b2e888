using System.Runtime.Intrinsics;

namespace Dynamo.Backends.Llama.Kernels.Cpu;

/// <summary>
/// One instruction-set path for the heart of every quantized product: 32 unsigned weight bytes
/// times 32 signed activation bytes, summed into eight 32-bit lanes.
/// </summary>
internal interface IByteDot
{
    /// <summary>Σ u[i]·s[i] in eight lanes: lane i sums bytes 4i..4i+3 (K-quants scale the halves apart; interleaved rows own a lane each).</summary>
    static abstract Vector256<int> Dot(Vector256<byte> u, Vector256<sbyte> s);

    /// <summary><paramref name="acc"/> + <see cref="Dot"/>(u, s), in one instruction where the CPU has one.</summary>
    static abstract Vector256<int> DotAdd(Vector256<int> acc, Vector256<byte> u, Vector256<sbyte> s);

    /// <summary>
    /// <paramref name="acc"/> plus the products of weights stored as w + 128 with signed inputs,
    /// in each lane's four bytes; exact once <see cref="OffsetCorrection"/> of the block is subtracted.
    /// </summary>
    static abstract Vector256<int> OffsetDot(Vector256<int> acc, Vector256<byte> weightsPlus128, Vector256<sbyte> x);

    /// <summary>What <see cref="OffsetDot"/> added over a block whose inputs sum to <paramref name="inputSum"/> (in every lane).</summary>
    static abstract Vector256<int> OffsetCorrection(int inputSum);

    /// <summary>|w| as unsigned bytes (|−128| is 128).</summary>
    static abstract Vector256<byte> Abs(Vector256<sbyte> w);

    /// <summary>x with w's sign: −x where w is negative, 0 where it is zero, x otherwise.</summary>
    static abstract Vector256<sbyte> Sign(Vector256<sbyte> x, Vector256<sbyte> w);
}
