using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Dynamo.Backends.Llama.Kernels.Cpu;

/// <summary>
/// The element-wise kernels of a forward pass (dot, add, norm scaling, softmax, SwiGLU, f16 to f32,
/// argmax) as plain vector loops compiled fully optimised at once. Library routines would be just
/// as fast once tiered compilation has reached them, but on one core it can take many seconds to,
/// and until then every token runs on unoptimised code.
/// </summary>
internal static class Vectors
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        ref var x = ref MemoryMarshal.GetReference(a);
        ref var y = ref MemoryMarshal.GetReference(b);
        var (n, i) = (a.Length, 0);
        var sum = 0f;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            Vector512<float> s0 = default, s1 = default;
            for (; i + 32 <= n; i += 32)
            {
                s0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref x, (nuint)i), Vector512.LoadUnsafe(ref y, (nuint)i), s0);
                s1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref x, (nuint)(i + 16)), Vector512.LoadUnsafe(ref y, (nuint)(i + 16)), s1);
            }
            for (; i + 16 <= n; i += 16)
                s0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref x, (nuint)i), Vector512.LoadUnsafe(ref y, (nuint)i), s0);
            sum = Vector512.Sum(s0 + s1);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            Vector256<float> s0 = default, s1 = default;
            for (; i + 16 <= n; i += 16)
            {
                s0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x, (nuint)i), Vector256.LoadUnsafe(ref y, (nuint)i), s0);
                s1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x, (nuint)(i + 8)), Vector256.LoadUnsafe(ref y, (nuint)(i + 8)), s1);
            }
            for (; i + 8 <= n; i += 8)
                s0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref x, (nuint)i), Vector256.LoadUnsafe(ref y, (nuint)i), s0);
            sum = Vector256.Sum(s0 + s1);
        }
        for (; i < n; i++)
            sum += Unsafe.Add(ref x, i) * Unsafe.Add(ref y, i);
        return sum;
    }

    /// <summary>A row of f16 bit patterns times floats, each widened as it is read (one pass over the row).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float HalfDot(ReadOnlySpan<ushort> halves, ReadOnlySpan<float> x)
    {
        ref var h = ref MemoryMarshal.GetReference(halves);
        ref var y = ref MemoryMarshal.GetReference(x);
        Vector256<float> s0 = default, s1 = default;
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> w0 = default, w1 = default;
            for (; i + 32 <= halves.Length; i += 32)
            {
                Prefetch(ref h, i + 1024);
                w0 = Vector512.FusedMultiplyAdd(HalfToFloat(Vector256.LoadUnsafe(ref h, (nuint)i)), Vector512.LoadUnsafe(ref y, (nuint)i), w0);
                w1 = Vector512.FusedMultiplyAdd(HalfToFloat(Vector256.LoadUnsafe(ref h, (nuint)(i + 16))), Vector512.LoadUnsafe(ref y, (nuint)(i + 16)), w1);
            }
            var wide = w0 + w1;
            s0 = wide.GetLower() + wide.GetUpper();
        }
        for (; i + 16 <= halves.Length; i += 16)
        {
            s0 = Vector256.FusedMultiplyAdd(HalfToFloat(Vector128.LoadUnsafe(ref h, (nuint)i)), Vector256.LoadUnsafe(ref y, (nuint)i), s0);
            s1 = Vector256.FusedMultiplyAdd(HalfToFloat(Vector128.LoadUnsafe(ref h, (nuint)(i + 8))), Vector256.LoadUnsafe(ref y, (nuint)(i + 8)), s1);
        }
        for (; i + 8 <= halves.Length; i += 8)
            s0 = Vector256.FusedMultiplyAdd(HalfToFloat(Vector128.LoadUnsafe(ref h, (nuint)i)), Vector256.LoadUnsafe(ref y, (nuint)i), s0);
        var sum = Vector256.Sum(s0 + s1);
        for (; i < halves.Length; i++)
            sum += (float)BitConverter.UInt16BitsToHalf(Unsafe.Add(ref h, i)) * Unsafe.Add(ref y, i);
        return sum;
    }

    /// <summary>
    /// Asks for the weights 2 KB ahead of a row's reader: decode streams each weight once, and the
    /// hardware prefetcher alone left it at about half the memory's speed. Past a row's end it
    /// fetches the next row, which is read next anyway (a prefetch never faults).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Prefetch<T>(ref T start, int ahead)
    {
        if (Sse.IsSupported)
            Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref start, ahead)));
    }

    /// <summary>x += y.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Add(Span<float> x, ReadOnlySpan<float> y)
    {
        ref var a = ref MemoryMarshal.GetReference(x);
        ref var b = ref MemoryMarshal.GetReference(y);
        var i = 0;
        for (; i + 8 <= x.Length; i += 8)
            (Vector256.LoadUnsafe(ref a, (nuint)i) + Vector256.LoadUnsafe(ref b, (nuint)i)).StoreUnsafe(ref a, (nuint)i);
        for (; i < x.Length; i++)
            Unsafe.Add(ref a, i) += Unsafe.Add(ref b, i);
    }

    /// <summary>y = x · scale · weight (RMSNorm's last step).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ScaleBy(ReadOnlySpan<float> x, float scale, ReadOnlySpan<float> weight, Span<float> y)
    {
        ref var a = ref MemoryMarshal.GetReference(x);
        ref var w = ref MemoryMarshal.GetReference(weight);
        ref var o = ref MemoryMarshal.GetReference(y);
        var factor = Vector256.Create(scale);
        var i = 0;
        for (; i + 8 <= x.Length; i += 8)
            (Vector256.LoadUnsafe(ref a, (nuint)i) * factor * Vector256.LoadUnsafe(ref w, (nuint)i)).StoreUnsafe(ref o, (nuint)i);
        for (; i < x.Length; i++)
            Unsafe.Add(ref o, i) = Unsafe.Add(ref a, i) * scale * Unsafe.Add(ref w, i);
    }

    /// <summary>x = softmax(x), in place.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Softmax(Span<float> x)
    {
        ref var a = ref MemoryMarshal.GetReference(x);
        var n = x.Length;
        var max = float.NegativeInfinity;
        var i = 0;
        if (n >= 8)
        {
            var m = Vector256.Create(float.NegativeInfinity);
            for (; i + 8 <= n; i += 8)
                m = Vector256.Max(m, Vector256.LoadUnsafe(ref a, (nuint)i));
            for (var lane = 0; lane < 8; lane++)
                max = MathF.Max(max, m.GetElement(lane));
        }
        for (; i < n; i++)
            max = MathF.Max(max, Unsafe.Add(ref a, i));
        var sum = 0f;
        var vectorSum = Vector256<float>.Zero;
        var shift = Vector256.Create(max);
        i = 0;
        for (; i + 8 <= n; i += 8)
        {
            var e = Exp(Vector256.LoadUnsafe(ref a, (nuint)i) - shift);
            e.StoreUnsafe(ref a, (nuint)i);
            vectorSum += e;
        }
        for (; i < n; i++)
            sum += Unsafe.Add(ref a, i) = MathF.Exp(Unsafe.Add(ref a, i) - max);
        var inverse = 1f / (sum + Vector256.Sum(vectorSum));
        var factor = Vector256.Create(inverse);
        i = 0;
        for (; i + 8 <= n; i += 8)
            (Vector256.LoadUnsafe(ref a, (nuint)i) * factor).StoreUnsafe(ref a, (nuint)i);
        for (; i < n; i++)
            Unsafe.Add(ref a, i) *= inverse;
    }

    /// <summary>gate = silu(gate) · up = gate · up / (1 + e^−gate), in place.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SwiGlu(Span<float> gate, ReadOnlySpan<float> up)
    {
        ref var g = ref MemoryMarshal.GetReference(gate);
        ref var u = ref MemoryMarshal.GetReference(up);
        var i = 0;
        for (; i + 8 <= gate.Length; i += 8)
        {
            var v = Vector256.LoadUnsafe(ref g, (nuint)i);
            (v * Vector256.LoadUnsafe(ref u, (nuint)i) / (Vector256<float>.One + Exp(-v))).StoreUnsafe(ref g, (nuint)i);
        }
        for (; i < gate.Length; i++)
        {
            var v = Unsafe.Add(ref g, i);
            Unsafe.Add(ref g, i) = v * Unsafe.Add(ref u, i) / (1f + MathF.Exp(-v));
        }
    }

    /// <summary>
    /// e^x for eight floats: x = n·ln2 + r with |r| ≤ ln2/2, e^r by its degree-6 Taylor polynomial
    /// (relative error under 4e-7, a few float ulps), times 2^n built in the exponent bits. Inputs are clamped to
    /// [−87.3, 88.3], where the result stays a normal float (or 0 below, +∞ above).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        var clamped = Vector256.Min(Vector256.Max(x, Vector256.Create(-87.3f)), Vector256.Create(88.3f));
        var n = Vector256.Round(clamped * Vector256.Create(1.44269504f));
        // ln 2 in two parts, so r keeps its low bits.
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-0.693359375f), clamped);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(2.12194440e-4f), r);
        var p = Vector256.Create(1f / 720);
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1f / 120));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1f / 24));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1f / 6));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(0.5f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256<float>.One);
        p = Vector256.FusedMultiplyAdd(p, r, Vector256<float>.One);
        var scale = Vector256.ShiftLeft(Vector256.ConvertToInt32(n) + Vector256.Create(127), 23).AsSingle();
        var result = p * scale;
        result = Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256.Create(-87.3f)), Vector256<float>.Zero, result);
        return Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256.Create(88.3f)), Vector256.Create(float.PositiveInfinity), result);
    }

    /// <summary>IEEE half-precision bit patterns as floats, eight at a time (the CPU's f16 conversion is not exposed to .NET).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void HalfToFloat(ReadOnlySpan<ushort> halves, Span<float> values)
    {
        ref var h = ref MemoryMarshal.GetReference(halves);
        ref var o = ref MemoryMarshal.GetReference(values);
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + 16 <= halves.Length; i += 16)
                HalfToFloat(Vector256.LoadUnsafe(ref h, (nuint)i)).StoreUnsafe(ref o, (nuint)i);
        for (; i + 8 <= halves.Length; i += 8)
            HalfToFloat(Vector128.LoadUnsafe(ref h, (nuint)i)).StoreUnsafe(ref o, (nuint)i);
        for (; i < halves.Length; i++)
            Unsafe.Add(ref o, i) = (float)BitConverter.UInt16BitsToHalf(Unsafe.Add(ref h, i));
    }

    /// <summary>
    /// Eight halves as floats: sign-extended, shifted up 13 bits and masked to the sign, exponent and
    /// mantissa, they read as a float 2^112 times too small (subnormals included), so one multiply
    /// rebases them exactly; infinities and NaNs get the float's top exponent first.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> HalfToFloat(Vector128<ushort> halves)
    {
        var (low, high) = Vector128.Widen(halves.AsInt16());
        var bits = Vector256.ShiftLeft(Vector256.Create(low, high), 13) & Vector256.Create(unchecked((int)0x8FFFE000));
        var special = Vector256.Equals(bits & Vector256.Create(0x0F800000), Vector256.Create(0x0F800000));
        bits |= special & Vector256.Create(0x70000000);
        return bits.AsSingle() * Vector256.Create(BitConverter.Int32BitsToSingle((127 + 112) << 23));
    }

    /// <summary>Sixteen halves as floats, as <see cref="HalfToFloat(Vector128{ushort})"/> does eight.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> HalfToFloat(Vector256<ushort> halves)
    {
        var (low, high) = Vector256.Widen(halves.AsInt16());
        var bits = Vector512.ShiftLeft(Vector512.Create(low, high), 13) & Vector512.Create(unchecked((int)0x8FFFE000));
        var special = Vector512.Equals(bits & Vector512.Create(0x0F800000), Vector512.Create(0x0F800000));
        bits |= special & Vector512.Create(0x70000000);
        return bits.AsSingle() * Vector512.Create(BitConverter.Int32BitsToSingle((127 + 112) << 23));
    }

    /// <summary>The index of the largest value (the first of equals, or the first NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int IndexOfMax(ReadOnlySpan<float> x)
    {
        ref var a = ref MemoryMarshal.GetReference(x);
        var best = float.NegativeInfinity;
        var i = 0;
        if (x.Length >= 8)
        {
            // Lane maxima first (Max carries a NaN through), then the first index holding the overall maximum.
            var m = Vector256.Create(float.NegativeInfinity);
            for (; i + 8 <= x.Length; i += 8)
                m = Vector256.Max(m, Vector256.LoadUnsafe(ref a, (nuint)i));
            for (var lane = 0; lane < 8; lane++)
                best = MathF.Max(best, m.GetElement(lane));
        }
        for (; i < x.Length; i++)
            best = MathF.Max(best, Unsafe.Add(ref a, i));
        for (var j = 0; j < x.Length; j++)
            if (Unsafe.Add(ref a, j) == best || float.IsNaN(Unsafe.Add(ref a, j)))
                return j;
        return 0;
    }
}
