using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Dynamo.Backends.Llama.Kernels.Cpu;

/// <summary>
/// A batch of input rows quantized to 8-bit blocks of 32 (one scale each, values round(x/scale)
/// with scale = max|x|/127), so products with quantized weights run as integer dot products.
/// Each half-block's sum of values, times the scale, is kept for the weight types whose values
/// carry an offset (q − 8, q − 32, or a K-quant's min).
/// </summary>
internal sealed class QuantizedRows
{
    public const int Block = 32;

    public sbyte[] Quants { get; private set; } = [];

    /// <summary>One scale per block: [token][block].</summary>
    public float[] Scales { get; private set; } = [];

    /// <summary>scale × the sum of each 16 values: [token][block][half].</summary>
    public float[] HalfSums { get; private set; } = [];

    /// <summary>scale × the sum of each block's values: [token][block].</summary>
    public float[] Sums { get; private set; } = [];

    /// <summary>The sum of each block's values: [token][block].</summary>
    public int[] Totals { get; private set; } = [];

    public int Cols { get; private set; }

    public int Blocks => Cols / Block;

    // Token t's first value, scale, sum, half-sum or total: where the kernels' walks over a row start.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref sbyte QuantsOf(int t) => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Quants), t * Cols);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref float ScalesOf(int t) => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Scales), t * Blocks);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref float SumsOf(int t) => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Sums), t * Blocks);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref float HalfSumsOf(int t) => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(HalfSums), 2 * t * Blocks);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref int TotalsOf(int t) => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Totals), t * Blocks);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Quantize(ReadOnlySpan<float> x, int tokens, int cols)
    {
        if (cols % Block != 0)
            throw new ArgumentException($"Quantized rows need a multiple of {Block} columns, not {cols}.");
        Cols = cols;
        var blocks = tokens * cols / Block;
        if (Quants.Length < tokens * cols)
        {
            Quants = new sbyte[tokens * cols];
            Scales = new float[blocks];
            HalfSums = new float[2 * blocks];
            Sums = new float[blocks];
            Totals = new int[blocks];
        }
        for (var b = 0; b < blocks; b++)
            QuantizeBlock(x.Slice(b * Block, Block), b);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void QuantizeBlock(ReadOnlySpan<float> x, int b)
    {
        var q = Quants.AsSpan(b * Block, Block);
        if (!Vector256.IsHardwareAccelerated)
        {
            var max = 0f;
            foreach (var v in x)
                max = Math.Max(max, Math.Abs(v));
            var scale = max / 127f;
            var inverse = max == 0 ? 0f : 127f / max;
            int low = 0, high = 0;
            for (var i = 0; i < Block; i++)
            {
                q[i] = (sbyte)MathF.Round(x[i] * inverse);
                if (i < 16) low += q[i]; else high += q[i];
            }
            Finish(b, scale, low, high);
            return;
        }
        ref var source = ref MemoryMarshal.GetReference(x);
        var v0 = Vector256.LoadUnsafe(ref source);
        var v1 = Vector256.LoadUnsafe(ref source, 8);
        var v2 = Vector256.LoadUnsafe(ref source, 16);
        var v3 = Vector256.LoadUnsafe(ref source, 24);
        var absMax = Vector256.Max(Vector256.Max(Vector256.Abs(v0), Vector256.Abs(v1)), Vector256.Max(Vector256.Abs(v2), Vector256.Abs(v3)));
        var maxValue = MaxAcross(absMax);
        var factor = Vector256.Create(maxValue == 0 ? 0f : 127f / maxValue);
        var i0 = Vector256.ConvertToInt32(Vector256.Round(v0 * factor));
        var i1 = Vector256.ConvertToInt32(Vector256.Round(v1 * factor));
        var i2 = Vector256.ConvertToInt32(Vector256.Round(v2 * factor));
        var i3 = Vector256.ConvertToInt32(Vector256.Round(v3 * factor));
        var bytes = Vector256.Narrow(Vector256.Narrow(i0, i1), Vector256.Narrow(i2, i3));
        bytes.StoreUnsafe(ref MemoryMarshal.GetReference(q));
        Finish(b, maxValue / 127f, Vector256.Sum(i0 + i1), Vector256.Sum(i2 + i3));
    }

    private static float MaxAcross(Vector256<float> v)
    {
        var half = Vector128.Max(v.GetLower(), v.GetUpper());
        half = Vector128.Max(half, Vector128.Shuffle(half, Vector128.Create(2, 3, 0, 1)));
        return MathF.Max(half.ToScalar(), half.GetElement(1));
    }

    private void Finish(int b, float scale, int low, int high)
    {
        Scales[b] = scale;
        HalfSums[2 * b] = scale * low;
        HalfSums[2 * b + 1] = scale * high;
        Sums[b] = scale * (low + high);
        Totals[b] = low + high;
    }
}
