using System.Runtime.Intrinsics;

namespace Dynamo.Backends.Llama.Kernels.Cpu;

/// <summary>
/// One instruction-set path for the heart of every quantized product: 32 unsigned weight bytes
/// times 32 signed activation bytes, summed into eight 32-bit lanes.
/// </summary>
internal interface IByteDot
{
    /// <summary>Σ u[i]·s[i] spread over eight lanes: lanes 0–3 hold the sums of bytes 0–15, lanes 4–7 those of bytes 16–31 (K-quants scale the halves apart).</summary>
    static abstract Vector256<int> Dot(Vector256<byte> u, Vector256<sbyte> s);

    /// <summary>|w| as unsigned bytes (|−128| is 128).</summary>
    static abstract Vector256<byte> Abs(Vector256<sbyte> w);

    /// <summary>x with w's sign: −x where w is negative, 0 where it is zero, x otherwise.</summary>
    static abstract Vector256<sbyte> Sign(Vector256<sbyte> x, Vector256<sbyte> w);
}
