using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Dynamo.Backends.Llama.Model;

namespace Dynamo.Backends.Llama.Kernels.Cpu;

/// <summary>
/// Products of Q6_K matrices held as <see cref="Q6Kx8"/>: three 32-byte loads (two low planes, one
/// high) rebuild four values of four groups for eight rows; each half-group's sums are scaled by
/// its eight rows' d·scale, and the −32 offset (32·d·scale times the inputs' sum) is taken off.
/// </summary>
internal sealed class Q6Kx8Kernel<TDot> : InterleavedKernel
    where TDot : struct, IByteDot
{
    protected override int GroupBytes(int cols) => cols / 256 * Q6Kx8.GroupBlockBytes;

    protected override (Vector256<float>, Vector256<float>) Dot(ref byte group, QuantizedRows x, int t, bool two) =>
        two ? Dot<TwoTokens>(ref group, x, t) : Dot<OneToken>(ref group, x, t);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (Vector256<float>, Vector256<float>) Dot<TTokens>(ref byte group, QuantizedRows x, int t)
        where TTokens : struct, ITokenCount
    {
        var (groups, cols) = (x.Blocks, x.Cols);
        ref var inputs0 = ref x.QuantsOf(t);
        ref var inputs1 = ref Unsafe.Add(ref inputs0, TTokens.Two ? cols : 0);
        ref var scales0 = ref x.ScalesOf(t);
        ref var scales1 = ref Unsafe.Add(ref scales0, TTokens.Two ? groups : 0);
        ref var halfSums0 = ref x.HalfSumsOf(t);
        ref var halfSums1 = ref Unsafe.Add(ref halfSums0, TTokens.Two ? 2 * groups : 0);
        var (low4, two2) = (Vector256.Create((byte)0x0F), Vector256.Create((byte)0x03));
        Vector256<float> acc0 = default, acc1 = default, offset0 = default, offset1 = default;
        for (var sb = 0; sb < groups / 8; sb++)
        {
            ref var block = ref Unsafe.Add(ref group, sb * Q6Kx8.GroupBlockBytes);
            var d = Vector256.LoadUnsafe(ref Unsafe.As<byte, float>(ref block));
            for (var half = 0; half < 2; half++)
            {
                var g = 8 * sb + 4 * half; // the first of this half's four groups
                ref var in0 = ref Unsafe.Add(ref inputs0, 32 * g);
                ref var in1 = ref Unsafe.Add(ref inputs1, 32 * g);
                // Chunks 0–3 hold each group's first 16 values, chunks 4–7 its last 16: each has its own scale.
                for (var part = 0; part < 2; part++)
                {
                    Vector256<int> s00 = default, s01 = default, s02 = default, s03 = default;
                    Vector256<int> s10 = default, s11 = default, s12 = default, s13 = default;
                    for (var k = 4 * part; k < 4 * part + 4; k++)
                    {
                        var run0 = Vector256.LoadUnsafe(ref Unsafe.Add(ref block, Q6Kx8.LowAt(half, 0, k, 0)));
                        var run1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref block, Q6Kx8.LowAt(half, 1, k, 0)));
                        var high = Vector256.LoadUnsafe(ref Unsafe.Add(ref block, Q6Kx8.HighAt(half, k, 0)));
                        var q0 = (run0 & low4) | Vector256.ShiftLeft(high & two2, 4);
                        var q1 = (run1 & low4) | Vector256.ShiftLeft(Vector256.ShiftRightLogical(high, 2) & two2, 4);
                        var q2 = Vector256.ShiftRightLogical(run0, 4) | Vector256.ShiftLeft(Vector256.ShiftRightLogical(high, 4) & two2, 4);
                        var q3 = Vector256.ShiftRightLogical(run1, 4) | Vector256.ShiftLeft(Vector256.ShiftRightLogical(high, 6), 4);
                        s00 = TDot.DotAdd(s00, q0, Broadcast(ref in0, k));
                        s01 = TDot.DotAdd(s01, q1, Broadcast(ref Unsafe.Add(ref in0, 32), k));
                        s02 = TDot.DotAdd(s02, q2, Broadcast(ref Unsafe.Add(ref in0, 64), k));
                        s03 = TDot.DotAdd(s03, q3, Broadcast(ref Unsafe.Add(ref in0, 96), k));
                        if (TTokens.Two)
                        {
                            s10 = TDot.DotAdd(s10, q0, Broadcast(ref in1, k));
                            s11 = TDot.DotAdd(s11, q1, Broadcast(ref Unsafe.Add(ref in1, 32), k));
                            s12 = TDot.DotAdd(s12, q2, Broadcast(ref Unsafe.Add(ref in1, 64), k));
                            s13 = TDot.DotAdd(s13, q3, Broadcast(ref Unsafe.Add(ref in1, 96), k));
                        }
                    }
                    Finish(ref block, d, g, part, s00, s01, s02, s03, ref scales0, ref halfSums0, ref acc0, ref offset0);
                    if (TTokens.Two)
                        Finish(ref block, d, g, part, s10, s11, s12, s13, ref scales1, ref halfSums1, ref acc1, ref offset1);
                }
            }
        }
        return (acc0 - 32f * offset0, acc1 - 32f * offset1);
    }

    /// <summary>Scales four groups' sums for one half (part) of their values, and adds their offset terms.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish(ref byte block, Vector256<float> d, int g, int part, Vector256<int> s0, Vector256<int> s1, Vector256<int> s2, Vector256<int> s3,
        ref float scales, ref float halfSums, ref Vector256<float> acc, ref Vector256<float> offset)
    {
        Group(ref block, d, g, part, s0, ref scales, ref halfSums, ref acc, ref offset);
        Group(ref block, d, g + 1, part, s1, ref scales, ref halfSums, ref acc, ref offset);
        Group(ref block, d, g + 2, part, s2, ref scales, ref halfSums, ref acc, ref offset);
        Group(ref block, d, g + 3, part, s3, ref scales, ref halfSums, ref acc, ref offset);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Group(ref byte block, Vector256<float> d, int g, int part, Vector256<int> sums, ref float scales, ref float halfSums, ref Vector256<float> acc, ref Vector256<float> offset)
    {
        // Scale s of the super-block covers values 16s..16s+15: group g's part is scale 2·(g mod 8) + part.
        var a = d * Widen(ref Unsafe.Add(ref block, Q6Kx8.Scales + 8 * (2 * (g & 7) + part)), signed: true);
        acc = Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(sums), a * Unsafe.Add(ref scales, g), acc);
        offset = Vector256.FusedMultiplyAdd(a, Vector256.Create(Unsafe.Add(ref halfSums, 2 * g + part)), offset);
    }
}
