using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Dynamo.Backends.Llama.Kernels.Cpu;

/// <summary>
/// The integer product for one 32-value block type (Q8_0, Q4_0) and one path; the JIT specialises
/// it per pair, so the type's unpacking and the path's byte dot inline into one loop.
/// </summary>
internal sealed class QuantKernel<TBlocks, TDot> : RowQuantKernel
    where TBlocks : struct, IQuantBlocks
    where TDot : struct, IByteDot
{
    /// <summary>The group's integer sums against one token's 32 quantized inputs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Products(Vector256<byte> q, Vector256<byte> magnitude, ref sbyte inputs, nuint at) =>
        Vector256.ConvertToSingle(TBlocks.Signed
            ? TDot.Dot(magnitude, TDot.Sign(Vector256.LoadUnsafe(ref inputs, at), q.AsSByte()))
            : TDot.Dot(q, Vector256.LoadUnsafe(ref inputs, at)));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override float Dot1(ref byte row, QuantizedRows x, int t)
    {
        var groups = x.Blocks;
        ref var inputs = ref x.QuantsOf(t);
        ref var scales = ref x.ScalesOf(t);
        ref var sums = ref x.SumsOf(t);
        ref var halves = ref MemoryMarshal.GetArrayDataReference(HalfTable.Values);
        // Two accumulators (even and odd groups): one chain of dependent adds would leave the cores waiting on its latency.
        Vector256<float> even = default, odd = default;
        float offsetEven = 0, offsetOdd = 0;
        var g = 0;
        for (; g + 2 <= groups; g += 2)
        {
            var q0 = TBlocks.Unpack(ref row, g, ref halves, out var a0, out var b0);
            var q1 = TBlocks.Unpack(ref row, g + 1, ref halves, out var a1, out var b1);
            var at = (nuint)(32 * g);
            even = Vector256.FusedMultiplyAdd(Products(q0, Magnitude(q0), ref inputs, at), Vector256.Create(a0 * Unsafe.Add(ref scales, g)), even);
            odd = Vector256.FusedMultiplyAdd(Products(q1, Magnitude(q1), ref inputs, at + 32), Vector256.Create(a1 * Unsafe.Add(ref scales, g + 1)), odd);
            if (!TBlocks.Signed)
            {
                offsetEven += b0 * Unsafe.Add(ref sums, g);
                offsetOdd += b1 * Unsafe.Add(ref sums, g + 1);
            }
        }
        if (g < groups)
        {
            var q = TBlocks.Unpack(ref row, g, ref halves, out var a, out var b);
            even = Vector256.FusedMultiplyAdd(Products(q, Magnitude(q), ref inputs, (nuint)(32 * g)), Vector256.Create(a * Unsafe.Add(ref scales, g)), even);
            if (!TBlocks.Signed)
                offsetEven += b * Unsafe.Add(ref sums, g);
        }
        return Vector256.Sum(even + odd) - (offsetEven + offsetOdd);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> Magnitude(Vector256<byte> q) => TBlocks.Signed ? TDot.Abs(q.AsSByte()) : q;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override (float, float, float, float) Dot4(ref byte row, QuantizedRows x, int t)
    {
        var (groups, cols) = (x.Blocks, (nuint)x.Cols);
        ref var inputs = ref x.QuantsOf(t);
        ref var scales = ref x.ScalesOf(t);
        ref var sums = ref x.SumsOf(t);
        ref var halves = ref MemoryMarshal.GetArrayDataReference(HalfTable.Values);
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
        float o0 = 0, o1 = 0, o2 = 0, o3 = 0;
        for (var g = 0; g < groups; g++)
        {
            var q = TBlocks.Unpack(ref row, g, ref halves, out var a, out var b);
            var magnitude = Magnitude(q);
            var at = (nuint)(32 * g);
            a0 = Vector256.FusedMultiplyAdd(Products(q, magnitude, ref inputs, at), Vector256.Create(a * Unsafe.Add(ref scales, g)), a0);
            a1 = Vector256.FusedMultiplyAdd(Products(q, magnitude, ref inputs, at + cols), Vector256.Create(a * Unsafe.Add(ref scales, groups + g)), a1);
            a2 = Vector256.FusedMultiplyAdd(Products(q, magnitude, ref inputs, at + 2 * cols), Vector256.Create(a * Unsafe.Add(ref scales, 2 * groups + g)), a2);
            a3 = Vector256.FusedMultiplyAdd(Products(q, magnitude, ref inputs, at + 3 * cols), Vector256.Create(a * Unsafe.Add(ref scales, 3 * groups + g)), a3);
            if (!TBlocks.Signed)
            {
                o0 += b * Unsafe.Add(ref sums, g);
                o1 += b * Unsafe.Add(ref sums, groups + g);
                o2 += b * Unsafe.Add(ref sums, 2 * groups + g);
                o3 += b * Unsafe.Add(ref sums, 3 * groups + g);
            }
        }
        return (Vector256.Sum(a0) - o0, Vector256.Sum(a1) - o1, Vector256.Sum(a2) - o2, Vector256.Sum(a3) - o3);
    }
}
