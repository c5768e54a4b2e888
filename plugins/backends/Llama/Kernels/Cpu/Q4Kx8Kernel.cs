using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Dynamo.Backends.Llama.Model;

namespace Dynamo.Backends.Llama.Kernels.Cpu;

/// <summary>
/// Products of Q4_K matrices held as <see cref="Q4Kx8"/>: each 32-byte load gives four values of
/// two groups for eight rows (low and high nibbles); each group's sums are scaled by its eight
/// rows' d·scale, and its min term (dmin·min times the inputs' sum) is taken off at the end.
/// </summary>
internal sealed class Q4Kx8Kernel<TDot> : InterleavedKernel
    where TDot : struct, IByteDot
{
    protected override int GroupBytes(int cols) => cols / 256 * Q4Kx8.GroupBlockBytes;

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
        ref var sums0 = ref x.SumsOf(t);
        ref var sums1 = ref Unsafe.Add(ref sums0, TTokens.Two ? groups : 0);
        var low4 = Vector256.Create((byte)0x0F);
        Vector256<float> acc0 = default, acc1 = default, min0 = default, min1 = default;
        for (var sb = 0; sb < groups / 8; sb++)
        {
            ref var block = ref Unsafe.Add(ref group, sb * Q4Kx8.GroupBlockBytes);
            var d = Vector256.LoadUnsafe(ref Unsafe.As<byte, float>(ref Unsafe.Add(ref block, Q4Kx8.D)));
            var dmin = Vector256.LoadUnsafe(ref Unsafe.As<byte, float>(ref Unsafe.Add(ref block, Q4Kx8.DMin)));
            for (var p = 0; p < 4; p++)
            {
                var (g, h) = (8 * sb + 2 * p, 8 * sb + 2 * p + 1);
                ref var quants = ref Unsafe.Add(ref block, Q4Kx8.Quants + 256 * p);
                ref var inLow0 = ref Unsafe.Add(ref inputs0, 32 * g);
                ref var inHigh0 = ref Unsafe.Add(ref inputs0, 32 * h);
                ref var inLow1 = ref Unsafe.Add(ref inputs1, 32 * g);
                ref var inHigh1 = ref Unsafe.Add(ref inputs1, 32 * h);
                // Even and odd chunks in separate sums, so no chain of dependent dot instructions waits on their latency.
                Vector256<int> low0 = default, high0 = default, low1 = default, high1 = default;
                Vector256<int> oddLow0 = default, oddHigh0 = default, oddLow1 = default, oddHigh1 = default;
                for (var k = 0; k < 8; k += 2)
                {
                    var nibbles = Vector256.LoadUnsafe(ref quants, (nuint)(32 * k));
                    var next = Vector256.LoadUnsafe(ref quants, (nuint)(32 * k + 32));
                    var (lowQ, highQ) = (nibbles & low4, Vector256.ShiftRightLogical(nibbles, 4));
                    var (nextLow, nextHigh) = (next & low4, Vector256.ShiftRightLogical(next, 4));
                    low0 = TDot.DotAdd(low0, lowQ, Broadcast(ref inLow0, k));
                    high0 = TDot.DotAdd(high0, highQ, Broadcast(ref inHigh0, k));
                    oddLow0 = TDot.DotAdd(oddLow0, nextLow, Broadcast(ref inLow0, k + 1));
                    oddHigh0 = TDot.DotAdd(oddHigh0, nextHigh, Broadcast(ref inHigh0, k + 1));
                    if (TTokens.Two)
                    {
                        low1 = TDot.DotAdd(low1, lowQ, Broadcast(ref inLow1, k));
                        high1 = TDot.DotAdd(high1, highQ, Broadcast(ref inHigh1, k));
                        oddLow1 = TDot.DotAdd(oddLow1, nextLow, Broadcast(ref inLow1, k + 1));
                        oddHigh1 = TDot.DotAdd(oddHigh1, nextHigh, Broadcast(ref inHigh1, k + 1));
                    }
                }
                (low0, high0, low1, high1) = (low0 + oddLow0, high0 + oddHigh0, low1 + oddLow1, high1 + oddHigh1);
                var aLow = d * Widen(ref Unsafe.Add(ref block, Q4Kx8.Scales + 8 * 2 * p), signed: false);
                var aHigh = d * Widen(ref Unsafe.Add(ref block, Q4Kx8.Scales + 8 * (2 * p + 1)), signed: false);
                var bLow = dmin * Widen(ref Unsafe.Add(ref block, Q4Kx8.Mins + 8 * 2 * p), signed: false);
                var bHigh = dmin * Widen(ref Unsafe.Add(ref block, Q4Kx8.Mins + 8 * (2 * p + 1)), signed: false);
                acc0 = Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(low0), aLow * Unsafe.Add(ref scales0, g), acc0);
                acc0 = Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(high0), aHigh * Unsafe.Add(ref scales0, h), acc0);
                min0 = Vector256.FusedMultiplyAdd(bLow, Vector256.Create(Unsafe.Add(ref sums0, g)), min0);
                min0 = Vector256.FusedMultiplyAdd(bHigh, Vector256.Create(Unsafe.Add(ref sums0, h)), min0);
                if (TTokens.Two)
                {
                    acc1 = Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(low1), aLow * Unsafe.Add(ref scales1, g), acc1);
                    acc1 = Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(high1), aHigh * Unsafe.Add(ref scales1, h), acc1);
                    min1 = Vector256.FusedMultiplyAdd(bLow, Vector256.Create(Unsafe.Add(ref sums1, g)), min1);
                    min1 = Vector256.FusedMultiplyAdd(bHigh, Vector256.Create(Unsafe.Add(ref sums1, h)), min1);
                }
            }
        }
        return (acc0 - min0, acc1 - min1);
    }
}
