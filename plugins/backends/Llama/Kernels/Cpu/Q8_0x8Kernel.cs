using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Dynamo.Backends.Llama.Model;

namespace Dynamo.Backends.Llama.Kernels.Cpu;

/// <summary>
/// Decode products of Q8_0 matrices held as <see cref="Q8_0x8"/>: eight rows at a time, lane r of
/// every vector belonging to row r, so each 32-byte load of weights meets four input bytes
/// broadcast to all lanes, and the eight results land together (no horizontal sums).
/// </summary>
internal sealed class Q8_0x8Kernel<TDot> : QuantKernel
    where TDot : struct, IByteDot
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Multiply(ReadOnlySpan<byte> matrix, int rowBytes, int from, int to, QuantizedRows x, int tokens, float[] y, int rows, float[]? bias)
    {
        var groupBytes = x.Blocks * Q8_0x8.GroupBlockBytes;
        ref var start = ref MemoryMarshal.GetReference(matrix);
        for (var r = from; r < to; r += Q8_0x8.Rows)
        {
            ref var group = ref Unsafe.Add(ref start, (nint)(r / Q8_0x8.Rows) * groupBytes);
            var add = bias is null ? Vector256<float>.Zero : Vector256.Create(bias.AsSpan(r, Q8_0x8.Rows));
            var t = 0;
            for (; t + 2 <= tokens; t += 2)
            {
                var (first, second) = Dot2(ref group, x, t);
                (first + add).StoreUnsafe(ref y[t * rows + r]);
                (second + add).StoreUnsafe(ref y[(t + 1) * rows + r]);
            }
            if (t < tokens)
                (Dot1(ref group, x, t) + add).StoreUnsafe(ref y[t * rows + r]);
        }
    }

    /// <summary>Eight rows' products with token <paramref name="t"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Vector256<float> Dot1(ref byte group, QuantizedRows x, int t)
    {
        var blocks = x.Blocks;
        ref var inputs = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(x.Quants), t * x.Cols);
        ref var scales = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(x.Scales), t * blocks);
        ref var totals = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(x.Totals), t * blocks);
        var acc = Vector256<float>.Zero;
        for (var b = 0; b < blocks; b++)
        {
            ref var block = ref Unsafe.Add(ref group, b * Q8_0x8.GroupBlockBytes);
            ref var quants = ref Unsafe.Add(ref block, 32);
            ref var input = ref Unsafe.Add(ref inputs, 32 * b);
            var sum = Vector256<int>.Zero;
            for (var k = 0; k < 8; k++)
                sum = TDot.OffsetDot(sum, Vector256.LoadUnsafe(ref quants, (nuint)(32 * k)), Broadcast(ref input, k));
            sum -= TDot.OffsetCorrection(Unsafe.Add(ref totals, b));
            var weightScales = Vector256.LoadUnsafe(ref Unsafe.As<byte, float>(ref block));
            acc = Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(sum), weightScales * Unsafe.Add(ref scales, b), acc);
        }
        return acc;
    }

    /// <summary>Eight rows' products with tokens <paramref name="t"/> and <paramref name="t"/>+1, each weight load serving both.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (Vector256<float>, Vector256<float>) Dot2(ref byte group, QuantizedRows x, int t)
    {
        var (blocks, cols) = (x.Blocks, x.Cols);
        ref var inputs0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(x.Quants), t * cols);
        ref var inputs1 = ref Unsafe.Add(ref inputs0, cols);
        ref var scales = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(x.Scales), t * blocks);
        ref var totals = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(x.Totals), t * blocks);
        Vector256<float> acc0 = default, acc1 = default;
        for (var b = 0; b < blocks; b++)
        {
            ref var block = ref Unsafe.Add(ref group, b * Q8_0x8.GroupBlockBytes);
            ref var quants = ref Unsafe.Add(ref block, 32);
            ref var input0 = ref Unsafe.Add(ref inputs0, 32 * b);
            ref var input1 = ref Unsafe.Add(ref inputs1, 32 * b);
            Vector256<int> sum0 = default, sum1 = default;
            for (var k = 0; k < 8; k++)
            {
                var weights = Vector256.LoadUnsafe(ref quants, (nuint)(32 * k));
                sum0 = TDot.OffsetDot(sum0, weights, Broadcast(ref input0, k));
                sum1 = TDot.OffsetDot(sum1, weights, Broadcast(ref input1, k));
            }
            sum0 -= TDot.OffsetCorrection(Unsafe.Add(ref totals, b));
            sum1 -= TDot.OffsetCorrection(Unsafe.Add(ref totals, blocks + b));
            var weightScales = Vector256.LoadUnsafe(ref Unsafe.As<byte, float>(ref block));
            acc0 = Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(sum0), weightScales * Unsafe.Add(ref scales, b), acc0);
            acc1 = Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(sum1), weightScales * Unsafe.Add(ref scales, blocks + b), acc1);
        }
        return (acc0, acc1);
    }

    /// <summary>Input bytes 4k..4k+3 in every lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<sbyte> Broadcast(ref sbyte input, int k) =>
        Vector256.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref input, 4 * k)))).AsSByte();
}
