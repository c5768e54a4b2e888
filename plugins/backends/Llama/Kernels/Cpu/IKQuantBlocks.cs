using System.Runtime.Intrinsics;

namespace Dynamo.Backends.Llama.Kernels.Cpu;

/// <summary>
/// A K-quant weight type: super-blocks of 256 values (eight groups of 32) whose scales are read
/// once per super-block, then the groups two at a time as unsigned bytes.
/// </summary>
internal interface IKQuantBlocks
{
    static abstract int BlockBytes { get; }

    /// <summary>Whether each half of a group (16 values) has its own scale (Q6_K) rather than each group (Q4_K).</summary>
    static abstract bool Halves { get; }

    /// <summary>
    /// <paramref name="halves"/> is <see cref="HalfTable.Values"/>. Per group (lane j of <paramref name="a"/> and <paramref name="b"/>): value = a·q − b.
    /// With <see cref="Halves"/>: <paramref name="a"/> and <paramref name="b"/> hold the scales of
    /// halves 0–7 and 8–15, and value = scale·(q − 32).
    /// </summary>
    static abstract void Factors(ref byte block, ref float halves, out Vector256<float> a, out Vector256<float> b);

    /// <summary>Groups 2·<paramref name="pair"/> and 2·<paramref name="pair"/> + 1 as unsigned bytes.</summary>
    static abstract void Pair(ref byte block, int pair, out Vector256<byte> first, out Vector256<byte> second);
}
