using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Dynamo.Backends.Llama.Kernels.Cpu;

/// <summary>
/// The integer product for one K-quant type (Q4_K, Q6_K) and one path: each super-block's scales
/// are decoded once, multiplied by the inputs' block scales and kept on the stack, and its eight
/// groups then run as byte dot products two at a time.
/// </summary>
internal sealed class KQuantKernel<TBlocks, TDot> : RowQuantKernel
    where TBlocks : struct, IKQuantBlocks
    where TDot : struct, IByteDot
{
    /// <summary>Scales per half (16 values) of a super-block: the group's scale twice, or each half's own.</summary>
    private const int Factors = 16;

    /// <summary>
    /// Writes the super-block's per-half factors (weight scale × input scale) for one token and adds
    /// its offset terms (the part of value = a·q − b that does not depend on q) to <paramref name="offset"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Prepare(Vector256<float> a, Vector256<float> b, ref float scales, ref float sums, ref float halfSums, int k, ref float factors, ref Vector256<float> offset)
    {
        var dx = Vector256.LoadUnsafe(ref scales, (nuint)(8 * k));
        if (TBlocks.Halves)
        {
            offset = Vector256.FusedMultiplyAdd(a, Vector256.LoadUnsafe(ref halfSums, (nuint)(16 * k)), offset);
            offset = Vector256.FusedMultiplyAdd(b, Vector256.LoadUnsafe(ref halfSums, (nuint)(16 * k + 8)), offset);
            (a * Vector256.Shuffle(dx, Vector256.Create(0, 0, 1, 1, 2, 2, 3, 3))).StoreUnsafe(ref factors);
            (b * Vector256.Shuffle(dx, Vector256.Create(4, 4, 5, 5, 6, 6, 7, 7))).StoreUnsafe(ref factors, 8);
        }
        else
        {
            offset = Vector256.FusedMultiplyAdd(b, Vector256.LoadUnsafe(ref sums, (nuint)(8 * k)), offset);
            var scaled = a * dx;
            (Vector256.Shuffle(scaled, Vector256.Create(0, 0, 1, 1, 2, 2, 3, 3))).StoreUnsafe(ref factors);
            (Vector256.Shuffle(scaled, Vector256.Create(4, 4, 5, 5, 6, 6, 7, 7))).StoreUnsafe(ref factors, 8);
        }
    }

    /// <summary>Group <paramref name="j"/>'s factor in each half's lanes (0–3 and 4–7, as the byte dot spreads them).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Scale(ref float factors, int j) =>
        Vector256.Create(Vector128.Create(Unsafe.Add(ref factors, 2 * j)), Vector128.Create(Unsafe.Add(ref factors, 2 * j + 1)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Products(Vector256<byte> q, ref sbyte inputs, int group) =>
        Vector256.ConvertToSingle(TDot.Dot(q, Vector256.LoadUnsafe(ref inputs, (nuint)(32 * group))));

    private static float Result(Vector256<float> sum, Vector256<float> offset) =>
        Vector256.Sum(sum) - (TBlocks.Halves ? 32f : 1f) * Vector256.Sum(offset);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override float Dot1(ref byte row, QuantizedRows x, int t)
    {
        var groups = x.Blocks;
        ref var inputs = ref x.QuantsOf(t);
        ref var scales = ref x.ScalesOf(t);
        ref var sums = ref x.SumsOf(t);
        ref var halfSums = ref x.HalfSumsOf(t);
        ref var halves = ref MemoryMarshal.GetArrayDataReference(HalfTable.Values);
        Span<float> factorSpan = stackalloc float[Factors];
        ref var factors = ref MemoryMarshal.GetReference(factorSpan);
        Vector256<float> even = default, odd = default, offset = default;
        for (var k = 0; k < groups / 8; k++)
        {
            ref var block = ref Unsafe.Add(ref row, k * TBlocks.BlockBytes);
            TBlocks.Factors(ref block, ref halves, out var a, out var b);
            Prepare(a, b, ref scales, ref sums, ref halfSums, k, ref factors, ref offset);
            for (var p = 0; p < 4; p++)
            {
                TBlocks.Pair(ref block, p, out var first, out var second);
                var g = 8 * k + 2 * p;
                even = Vector256.FusedMultiplyAdd(Products(first, ref inputs, g), Scale(ref factors, 2 * p), even);
                odd = Vector256.FusedMultiplyAdd(Products(second, ref inputs, g + 1), Scale(ref factors, 2 * p + 1), odd);
            }
        }
        return Result(even + odd, offset);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override (float, float, float, float) Dot4(ref byte row, QuantizedRows x, int t)
    {
        var (groups, cols) = (x.Blocks, x.Cols);
        ref var i0 = ref x.QuantsOf(t);
        ref var i1 = ref Unsafe.Add(ref i0, cols);
        ref var i2 = ref Unsafe.Add(ref i0, 2 * cols);
        ref var i3 = ref Unsafe.Add(ref i0, 3 * cols);
        ref var scales = ref x.ScalesOf(t);
        ref var sums = ref x.SumsOf(t);
        ref var halfSums = ref x.HalfSumsOf(t);
        ref var halves = ref MemoryMarshal.GetArrayDataReference(HalfTable.Values);
        Span<float> factorSpan = stackalloc float[4 * Factors];
        ref var f0 = ref MemoryMarshal.GetReference(factorSpan);
        ref var f1 = ref Unsafe.Add(ref f0, Factors);
        ref var f2 = ref Unsafe.Add(ref f0, 2 * Factors);
        ref var f3 = ref Unsafe.Add(ref f0, 3 * Factors);
        Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
        Vector256<float> o0 = default, o1 = default, o2 = default, o3 = default;
        for (var k = 0; k < groups / 8; k++)
        {
            ref var block = ref Unsafe.Add(ref row, k * TBlocks.BlockBytes);
            TBlocks.Factors(ref block, ref halves, out var a, out var b);
            Prepare(a, b, ref scales, ref sums, ref halfSums, k, ref f0, ref o0);
            Prepare(a, b, ref Unsafe.Add(ref scales, groups), ref Unsafe.Add(ref sums, groups), ref Unsafe.Add(ref halfSums, 2 * groups), k, ref f1, ref o1);
            Prepare(a, b, ref Unsafe.Add(ref scales, 2 * groups), ref Unsafe.Add(ref sums, 2 * groups), ref Unsafe.Add(ref halfSums, 4 * groups), k, ref f2, ref o2);
            Prepare(a, b, ref Unsafe.Add(ref scales, 3 * groups), ref Unsafe.Add(ref sums, 3 * groups), ref Unsafe.Add(ref halfSums, 6 * groups), k, ref f3, ref o3);
            for (var p = 0; p < 4; p++)
            {
                TBlocks.Pair(ref block, p, out var first, out var second);
                var (g, j) = (8 * k + 2 * p, 2 * p);
                s0 = Vector256.FusedMultiplyAdd(Products(first, ref i0, g), Scale(ref f0, j), s0);
                s1 = Vector256.FusedMultiplyAdd(Products(first, ref i1, g), Scale(ref f1, j), s1);
                s2 = Vector256.FusedMultiplyAdd(Products(first, ref i2, g), Scale(ref f2, j), s2);
                s3 = Vector256.FusedMultiplyAdd(Products(first, ref i3, g), Scale(ref f3, j), s3);
                s0 = Vector256.FusedMultiplyAdd(Products(second, ref i0, g + 1), Scale(ref f0, j + 1), s0);
                s1 = Vector256.FusedMultiplyAdd(Products(second, ref i1, g + 1), Scale(ref f1, j + 1), s1);
                s2 = Vector256.FusedMultiplyAdd(Products(second, ref i2, g + 1), Scale(ref f2, j + 1), s2);
                s3 = Vector256.FusedMultiplyAdd(Products(second, ref i3, g + 1), Scale(ref f3, j + 1), s3);
            }
        }
        return (Result(s0, o0), Result(s1, o1), Result(s2, o2), Result(s3, o3));
    }
}
