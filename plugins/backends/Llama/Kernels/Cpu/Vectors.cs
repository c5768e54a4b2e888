using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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
        for (; i + 8 <= halves.Length; i += 8)
            HalfToFloat(Vector128.LoadUnsafe(ref h, (nuint)i)).StoreUnsafe(ref o, (nuint)i);
        for (; i < halves.Length; i++)
            Unsafe.Add(ref o, i) = (float)BitConverter.UInt16BitsToHalf(Unsafe.Add(ref h, i));
    }

    /// <summary>
    /// Eight halves as floats: the exponent and mantissa move up 13 bits and the exponent is rebased
    /// by 112; infinities and NaNs get the float's top exponent, and subnormals (exponent 0) are
    /// rebuilt exactly by subtracting 2^−14 from the value with the exponent forced to 1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> HalfToFloat(Vector128<ushort> halves)
    {
        var (low, high) = Vector128.Widen(halves);
        var bits = Vector256.Create(low, high).AsInt32();
        var magnitude = Vector256.ShiftLeft(bits & Vector256.Create(0x7FFF), 13);
        var exponent = magnitude & Vector256.Create(0x0F800000);
        magnitude += Vector256.Create(112 << 23);
        var special = Vector256.Equals(exponent, Vector256.Create(0x0F800000));
        magnitude += special & Vector256.Create(112 << 23);
        var subnormal = Vector256.Equals(exponent, Vector256<int>.Zero);
        var rebuilt = (magnitude + Vector256.Create(1 << 23)).AsSingle() - Vector256.Create(BitConverter.Int32BitsToSingle(113 << 23));
        var value = Vector256.ConditionalSelect(subnormal.AsSingle(), rebuilt, magnitude.AsSingle());
        return (value.AsInt32() | Vector256.ShiftLeft(bits & Vector256.Create(0x8000), 16)).AsSingle();
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
