using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Dynamo.Backends.Llama.Model;

namespace Dynamo.Backends.Llama.Kernels.Cpu;

/// <summary>Products of Q8_0 matrices held as <see cref="Q8_0x8"/>: per block, eight byte-dot instructions serve eight rows.</summary>
internal sealed class Q8_0x8Kernel<TDot> : InterleavedKernel
    where TDot : struct, IByteDot
{
    protected override int GroupBytes(int cols) => cols / 32 * Q8_0x8.GroupBlockBytes;

    protected override (Vector256<float>, Vector256<float>) Dot(ref byte group, QuantizedRows x, int t, bool two) =>
        two ? Dot<TwoTokens>(ref group, x, t) : Dot<OneToken>(ref group, x, t);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (Vector256<float>, Vector256<float>) Dot<TTokens>(ref byte group, QuantizedRows x, int t)
        where TTokens : struct, ITokenCount
    {
        var (blocks, cols) = (x.Blocks, x.Cols);
        ref var inputs0 = ref x.QuantsOf(t);
        ref var inputs1 = ref Unsafe.Add(ref inputs0, TTokens.Two ? cols : 0);
        ref var scales = ref x.ScalesOf(t);
        ref var totals = ref x.TotalsOf(t);
        Vector256<float> acc0 = default, acc1 = default;
        for (var b = 0; b < blocks; b++)
        {
            ref var block = ref Unsafe.Add(ref group, b * Q8_0x8.GroupBlockBytes);
            ref var quants = ref Unsafe.Add(ref block, 32);
            ref var input0 = ref Unsafe.Add(ref inputs0, 32 * b);
            ref var input1 = ref Unsafe.Add(ref inputs1, 32 * b);
            // Even and odd chunks in separate sums: one chain of eight dependent dot instructions would wait on their latency.
            Vector256<int> sum0 = default, sum1 = default, odd0 = default, odd1 = default;
            for (var k = 0; k < 8; k += 2)
            {
                var weights = Vector256.LoadUnsafe(ref quants, (nuint)(32 * k));
                var next = Vector256.LoadUnsafe(ref quants, (nuint)(32 * k + 32));
                sum0 = TDot.OffsetDot(sum0, weights, Broadcast(ref input0, k));
                odd0 = TDot.OffsetDot(odd0, next, Broadcast(ref input0, k + 1));
                if (TTokens.Two)
                {
                    sum1 = TDot.OffsetDot(sum1, weights, Broadcast(ref input1, k));
                    odd1 = TDot.OffsetDot(odd1, next, Broadcast(ref input1, k + 1));
                }
            }
            sum0 += odd0;
            sum1 += odd1;
            var weightScales = Vector256.LoadUnsafe(ref Unsafe.As<byte, float>(ref block));
            sum0 -= TDot.OffsetCorrection(Unsafe.Add(ref totals, b));
            acc0 = Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(sum0), weightScales * Unsafe.Add(ref scales, b), acc0);
            if (TTokens.Two)
            {
                sum1 -= TDot.OffsetCorrection(Unsafe.Add(ref totals, blocks + b));
                acc1 = Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(sum1), weightScales * Unsafe.Add(ref scales, blocks + b), acc1);
            }
        }
        return (acc0, acc1);
    }
}
