using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Dynamo.Backends.Llama.Kernels.Cpu;

/// <summary>
/// The integer product for one weight type and one path; the JIT specialises it per pair, so the
/// type's unpacking and the path's byte dot inline into one loop. Four tokens at a time share each
/// unpacked group (batched decode and prefill); one token at a time reads the row once (decode).
/// </summary>
internal sealed class QuantKernel<TBlocks, TDot> : QuantKernel
    where TBlocks : struct, IQuantBlocks
    where TDot : struct, IByteDot
{
    public override void Multiply(ReadOnlySpan<byte> matrix, int rowBytes, int from, int to, QuantizedRows x, int tokens, float[] y, int rows, float[]? bias)
    {
        ref var start = ref MemoryMarshal.GetReference(matrix);
        for (var r = from; r < to; r++)
        {
            ref var row = ref Unsafe.Add(ref start, (nint)r * rowBytes);
            var add = bias is null ? 0f : bias[r];
            var t = 0;
            for (; t + 4 <= tokens; t += 4)
            {
                var (s0, s1, s2, s3) = Dot4(ref row, x, t);
                y[t * rows + r] = s0 + add;
                y[(t + 1) * rows + r] = s1 + add;
                y[(t + 2) * rows + r] = s2 + add;
                y[(t + 3) * rows + r] = s3 + add;
            }
            for (; t < tokens; t++)
                y[t * rows + r] = Dot1(ref row, x, t) + add;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Scale(float low, float high) =>
        TBlocks.Halves ? Vector256.Create(Vector128.Create(low), Vector128.Create(high)) : Vector256.Create(low);

    /// <summary>The group's integer sums against one token's 32 quantized inputs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Sums(Vector256<byte> q, Vector256<byte> magnitude, Vector256<sbyte> input) =>
        TBlocks.Signed ? TDot.Dot(magnitude, TDot.Sign(input, q.AsSByte())) : TDot.Dot(q, input);

    private static float Dot1(ref byte row, QuantizedRows x, int t)
    {
        var groups = x.Blocks;
        ref var inputs = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(x.Quants), t * x.Cols);
        ref var scales = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(x.Scales), t * groups);
        ref var sums = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(x.HalfSums), 2 * t * groups);
        var acc = Vector256<float>.Zero;
        var offset = 0f;
        for (var g = 0; g < groups; g++)
        {
            var q = TBlocks.Unpack(ref row, g, out var aLow, out var aHigh, out var bLow, out var bHigh);
            var magnitude = TBlocks.Signed ? TDot.Abs(q.AsSByte()) : q;
            var dx = Unsafe.Add(ref scales, g);
            var products = Sums(q, magnitude, Vector256.LoadUnsafe(ref inputs, (nuint)(32 * g)));
            acc = Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(products), Scale(aLow * dx, aHigh * dx), acc);
            if (!TBlocks.Signed)
                offset += bLow * Unsafe.Add(ref sums, 2 * g) + bHigh * Unsafe.Add(ref sums, 2 * g + 1);
        }
        return Vector256.Sum(acc) - offset;
    }

    private static (float, float, float, float) Dot4(ref byte row, QuantizedRows x, int t)
    {
        var (groups, cols) = (x.Blocks, x.Cols);
        ref var inputs = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(x.Quants), t * cols);
        ref var scales = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(x.Scales), t * groups);
        ref var sums = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(x.HalfSums), 2 * t * groups);
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
        float o0 = 0, o1 = 0, o2 = 0, o3 = 0;
        for (var g = 0; g < groups; g++)
        {
            var q = TBlocks.Unpack(ref row, g, out var aLow, out var aHigh, out var bLow, out var bHigh);
            var magnitude = TBlocks.Signed ? TDot.Abs(q.AsSByte()) : q;
            var at = (nuint)(32 * g);
            float d0 = Unsafe.Add(ref scales, g), d1 = Unsafe.Add(ref scales, groups + g), d2 = Unsafe.Add(ref scales, 2 * groups + g), d3 = Unsafe.Add(ref scales, 3 * groups + g);
            a0 = Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(Sums(q, magnitude, Vector256.LoadUnsafe(ref inputs, at))), Scale(aLow * d0, aHigh * d0), a0);
            a1 = Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(Sums(q, magnitude, Vector256.LoadUnsafe(ref inputs, at + (nuint)cols))), Scale(aLow * d1, aHigh * d1), a1);
            a2 = Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(Sums(q, magnitude, Vector256.LoadUnsafe(ref inputs, at + (nuint)(2 * cols)))), Scale(aLow * d2, aHigh * d2), a2);
            a3 = Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(Sums(q, magnitude, Vector256.LoadUnsafe(ref inputs, at + (nuint)(3 * cols)))), Scale(aLow * d3, aHigh * d3), a3);
            if (!TBlocks.Signed)
            {
                var h = 2 * g;
                o0 += bLow * Unsafe.Add(ref sums, h) + bHigh * Unsafe.Add(ref sums, h + 1);
                o1 += bLow * Unsafe.Add(ref sums, 2 * groups + h) + bHigh * Unsafe.Add(ref sums, 2 * groups + h + 1);
                o2 += bLow * Unsafe.Add(ref sums, 4 * groups + h) + bHigh * Unsafe.Add(ref sums, 4 * groups + h + 1);
                o3 += bLow * Unsafe.Add(ref sums, 6 * groups + h) + bHigh * Unsafe.Add(ref sums, 6 * groups + h + 1);
            }
        }
        return (Vector256.Sum(a0) - o0, Vector256.Sum(a1) - o1, Vector256.Sum(a2) - o2, Vector256.Sum(a3) - o3);
    }
}
