using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Dynamo.Backends.Llama.Gguf;
using Dynamo.Backends.Llama.Model;

namespace Dynamo.Backends.Llama.Kernels.Cpu;

/// <summary>
/// Products of F32 rows (or 16-bit rows decoded once per block of rows) with F32 inputs. Prefill
/// runs as outer products over inputs packed column-major in tiles of 16 tokens (see
/// <see cref="PackInputs"/>): eight rows' weights broadcast against two tiles per step, so no sum
/// across lanes is left for the end; smaller batches as register tiles of four rows by four
/// tokens (two by four with 256-bit vectors); plain dot products for the edges and decode.
/// </summary>
internal static class FloatTiles
{
    private const int RowsPerBlock = 16;

    /// <summary>From this many tokens the packed outer-product path runs (with AVX-512): below, its pairs of 16-token tiles would be mostly padding (bench/KernelBench: four-by-four tiles win at 16 tokens, lose at 24).</summary>
    public const int PackedFromTokens = 20;

    // Tokens per tile of packed inputs (one 512-bit vector), and the bytes of packed inputs a pass of
    // rows runs over: they stay in L2 (half of a 1 MB one) while every row's weights are read once.
    private const int Tile = 16;
    private const int PassBytes = 512 * 1024;

    public static bool UsesPackedInputs(int tokens, int cols) => Vector512.IsHardwareAccelerated && tokens >= PackedFromTokens && cols % 16 == 0;

    /// <summary>Floats <see cref="PackInputs"/> writes: tiles come in pairs (the kernel takes two at once).</summary>
    public static int PackedLength(int tokens, int cols) => Tiles(tokens) * Tile * cols;

    private static int Tiles(int tokens) => (tokens + 2 * Tile - 1) / (2 * Tile) * 2;

    /// <summary>
    /// Lays x [token][col] out as [tile of 16 tokens][col][token in tile], zero past the last token
    /// (to an even number of tiles): one 64-byte load then holds a column for sixteen tokens.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackInputs(float[] x, int tokens, int cols, float[] packed)
    {
        Array.Clear(packed, 0, PackedLength(tokens, cols));
        for (var t = 0; t < tokens; t++)
        {
            var (tile, lane) = (t / Tile, t % Tile);
            var row = x.AsSpan(t * cols, cols);
            var target = packed.AsSpan(tile * Tile * cols);
            for (var c = 0; c < cols; c++)
                target[c * Tile + lane] = row[c];
        }
    }

    [ThreadStatic]
    private static float[]? _buffer;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(WeightMatrix w, float[] x, float[]? packedInputs, float[] y, int tokens, int from, int to, float[]? bias)
    {
        var cols = w.Cols;
        if (tokens == 1 && w.Type == GgmlType.F16)
        {
            // Decode: widening each half as the dot reads it saves a pass through a row buffer.
            for (var r = from; r < to; r++)
                y[r] = Vectors.HalfDot(MemoryMarshal.Cast<byte, ushort>(w.PackedRow(r, default)), x.AsSpan(0, cols)) + (bias is null ? 0f : bias[r]);
            return;
        }
        if (tokens == 1 && !w.IsPacked && Vector512.IsHardwareAccelerated && cols % 16 == 0)
        {
            // Decode of F32 rows is a read of the whole matrix: four rows at a time keep four streams in flight.
            var all = w.FloatRows(from, to);
            var r = from;
            for (; r + 4 <= to; r += 4)
                FourRows(all.Slice((r - from) * cols, 4 * cols), cols, x, y, r, bias);
            for (; r < to; r++)
                y[r] = Dot(all.Slice((r - from) * cols, cols), x, 0, r, bias);
            return;
        }
        if (tokens < 4)
        {
            var rowBuffer = Buffer(cols);
            for (var r = from; r < to; r++)
            {
                var row = w.Row(r, rowBuffer);
                var add = bias is null ? 0f : bias[r];
                for (var t = 0; t < tokens; t++)
                    y[t * w.Rows + r] = Vectors.Dot(row, x.AsSpan(t * cols, cols)) + add;
            }
            return;
        }
        if (packedInputs is not null)
        {
            OuterProducts(w, x, packedInputs, y, tokens, from, to, bias);
            return;
        }
        var block = Buffer(w.IsPacked ? RowsPerBlock * cols : 0);
        for (var start = from; start < to; start += RowsPerBlock)
        {
            var end = Math.Min(to, start + RowsPerBlock);
            ReadOnlySpan<float> rows;
            if (w.IsPacked)
            {
                for (var r = start; r < end; r++)
                    w.Row(r, block.AsSpan((r - start) * cols, cols));
                rows = block.AsSpan(0, (end - start) * cols);
            }
            else
                rows = w.FloatRows(start, end);
            Block(rows, start, end - start, cols, x, y, tokens, w.Rows, bias);
        }
    }

    /// <summary>Rows <paramref name="from"/>..<paramref name="to"/> against inputs laid out by <see cref="PackInputs"/>, eight rows by thirty-two tokens at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void OuterProducts(WeightMatrix w, float[] x, float[] packed, float[] y, int tokens, int from, int to, float[]? bias)
    {
        var cols = w.Cols;
        var tiles = Tiles(tokens);
        var block = Buffer(w.IsPacked ? 8 * cols : 0);
        Span<float> results = stackalloc float[2 * 8 * Tile];
        var tilesPerPass = Math.Max(2, PassBytes / (Tile * cols * sizeof(float))) & ~1;
        for (var pass = 0; pass < tiles; pass += tilesPerPass)
        {
            var r = from;
            for (; r + 8 <= to; r += 8)
            {
                ReadOnlySpan<float> rows;
                if (w.IsPacked)
                {
                    for (var i = 0; i < 8; i++)
                        w.Row(r + i, block.AsSpan(i * cols, cols));
                    rows = block.AsSpan(0, 8 * cols);
                }
                else
                    rows = w.FloatRows(r, r + 8);
                for (var tile = pass; tile < Math.Min(tiles, pass + tilesPerPass); tile += 2)
                {
                    EightRowsTwoTiles(rows, cols, packed.AsSpan(tile * Tile * cols, 2 * Tile * cols), results);
                    for (var t = tile * Tile; t < Math.Min(tokens, (tile + 2) * Tile); t++)
                    {
                        var at = (t - tile * Tile) / Tile * 8 * Tile + t % Tile;
                        for (var i = 0; i < 8; i++)
                            y[t * w.Rows + r + i] = results[at + i * Tile] + (bias is null ? 0f : bias[r + i]);
                    }
                }
            }
            // The last rows (fewer than eight) take the dot-product path, once.
            if (pass == 0 && r < to)
                for (; r < to; r++)
                {
                    var row = w.Row(r, Buffer(cols).AsSpan(0, cols));
                    for (var t = 0; t < tokens; t++)
                        y[t * w.Rows + r] = Dot(row, x, t, r, bias);
                }
        }
    }

    /// <summary>Two tiles' (32 tokens') products with eight rows: sixteen accumulators, each weight broadcast serving two.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void EightRowsTwoTiles(ReadOnlySpan<float> rows, int cols, ReadOnlySpan<float> inputs, Span<float> results)
    {
        ref var w0 = ref MemoryMarshal.GetReference(rows);
        ref var w1 = ref Unsafe.Add(ref w0, cols);
        ref var w2 = ref Unsafe.Add(ref w1, cols);
        ref var w3 = ref Unsafe.Add(ref w2, cols);
        ref var w4 = ref Unsafe.Add(ref w3, cols);
        ref var w5 = ref Unsafe.Add(ref w4, cols);
        ref var w6 = ref Unsafe.Add(ref w5, cols);
        ref var w7 = ref Unsafe.Add(ref w6, cols);
        ref var x = ref MemoryMarshal.GetReference(inputs);
        ref var second = ref Unsafe.Add(ref x, Tile * cols);
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        Vector512<float> b0 = default, b1 = default, b2 = default, b3 = default, b4 = default, b5 = default, b6 = default, b7 = default;
        for (nuint c = 0; c < (nuint)cols; c++)
        {
            var u = Vector512.LoadUnsafe(ref x, c * Tile);
            var v = Vector512.LoadUnsafe(ref second, c * Tile);
            var k = Vector512.Create(Unsafe.Add(ref w0, c));
            a0 = Vector512.FusedMultiplyAdd(k, u, a0);
            b0 = Vector512.FusedMultiplyAdd(k, v, b0);
            k = Vector512.Create(Unsafe.Add(ref w1, c));
            a1 = Vector512.FusedMultiplyAdd(k, u, a1);
            b1 = Vector512.FusedMultiplyAdd(k, v, b1);
            k = Vector512.Create(Unsafe.Add(ref w2, c));
            a2 = Vector512.FusedMultiplyAdd(k, u, a2);
            b2 = Vector512.FusedMultiplyAdd(k, v, b2);
            k = Vector512.Create(Unsafe.Add(ref w3, c));
            a3 = Vector512.FusedMultiplyAdd(k, u, a3);
            b3 = Vector512.FusedMultiplyAdd(k, v, b3);
            k = Vector512.Create(Unsafe.Add(ref w4, c));
            a4 = Vector512.FusedMultiplyAdd(k, u, a4);
            b4 = Vector512.FusedMultiplyAdd(k, v, b4);
            k = Vector512.Create(Unsafe.Add(ref w5, c));
            a5 = Vector512.FusedMultiplyAdd(k, u, a5);
            b5 = Vector512.FusedMultiplyAdd(k, v, b5);
            k = Vector512.Create(Unsafe.Add(ref w6, c));
            a6 = Vector512.FusedMultiplyAdd(k, u, a6);
            b6 = Vector512.FusedMultiplyAdd(k, v, b6);
            k = Vector512.Create(Unsafe.Add(ref w7, c));
            a7 = Vector512.FusedMultiplyAdd(k, u, a7);
            b7 = Vector512.FusedMultiplyAdd(k, v, b7);
        }
        ref var o = ref MemoryMarshal.GetReference(results);
        a0.StoreUnsafe(ref o);
        a1.StoreUnsafe(ref o, Tile);
        a2.StoreUnsafe(ref o, 2 * Tile);
        a3.StoreUnsafe(ref o, 3 * Tile);
        a4.StoreUnsafe(ref o, 4 * Tile);
        a5.StoreUnsafe(ref o, 5 * Tile);
        a6.StoreUnsafe(ref o, 6 * Tile);
        a7.StoreUnsafe(ref o, 7 * Tile);
        ref var p = ref Unsafe.Add(ref o, 8 * Tile);
        b0.StoreUnsafe(ref p);
        b1.StoreUnsafe(ref p, Tile);
        b2.StoreUnsafe(ref p, 2 * Tile);
        b3.StoreUnsafe(ref p, 3 * Tile);
        b4.StoreUnsafe(ref p, 4 * Tile);
        b5.StoreUnsafe(ref p, 5 * Tile);
        b6.StoreUnsafe(ref p, 6 * Tile);
        b7.StoreUnsafe(ref p, 7 * Tile);
    }

    /// <summary>The products of <paramref name="count"/> consecutive rows (the first is row <paramref name="first"/>) with every token.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block(ReadOnlySpan<float> rows, int first, int count, int cols, float[] x, float[] y, int tokens, int rowCount, float[]? bias)
    {
        var r = 0;
        if (Vector512.IsHardwareAccelerated && cols % 16 == 0)
            for (; r + 4 <= count; r += 4)
            {
                var t = 0;
                for (; t + 4 <= tokens; t += 4)
                    FourByFour(rows.Slice(r * cols, 4 * cols), cols, x.AsSpan(t * cols, 4 * cols), y, t, first + r, rowCount, bias);
                for (; t < tokens; t++)
                    for (var i = 0; i < 4; i++)
                        y[t * rowCount + first + r + i] = Dot(rows.Slice((r + i) * cols, cols), x, t, first + r + i, bias);
            }
        for (; r < count; r++)
        {
            var row = rows.Slice(r * cols, cols);
            var t = 0;
            for (; t + 4 <= tokens && Vector256.IsHardwareAccelerated && cols % 8 == 0; t += 4)
            {
                var (s0, s1, s2, s3) = Dot4(row, x.AsSpan(t * cols, 4 * cols), cols);
                var add = bias is null ? 0f : bias[first + r];
                y[t * rowCount + first + r] = s0 + add;
                y[(t + 1) * rowCount + first + r] = s1 + add;
                y[(t + 2) * rowCount + first + r] = s2 + add;
                y[(t + 3) * rowCount + first + r] = s3 + add;
            }
            for (; t < tokens; t++)
                y[t * rowCount + first + r] = Dot(row, x, t, first + r, bias);
        }
    }

    private static float Dot(ReadOnlySpan<float> row, float[] x, int t, int r, float[]? bias) =>
        Vectors.Dot(row, x.AsSpan(t * row.Length, row.Length)) + (bias is null ? 0f : bias[r]);

    /// <summary>Four consecutive rows times one token.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FourRows(ReadOnlySpan<float> rows, int cols, float[] x, float[] y, int r, float[]? bias)
    {
        ref var w = ref MemoryMarshal.GetReference(rows);
        ref var input = ref MemoryMarshal.GetArrayDataReference(x);
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
        var (c1, c2, c3) = ((nuint)cols, (nuint)(2 * cols), (nuint)(3 * cols));
        for (nuint c = 0; c < (nuint)cols; c += 16)
        {
            var v = Vector512.LoadUnsafe(ref input, c);
            a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, c), v, a0);
            a1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, c + c1), v, a1);
            a2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, c + c2), v, a2);
            a3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, c + c3), v, a3);
        }
        y[r] = Vector512.Sum(a0) + (bias is null ? 0f : bias[r]);
        y[r + 1] = Vector512.Sum(a1) + (bias is null ? 0f : bias[r + 1]);
        y[r + 2] = Vector512.Sum(a2) + (bias is null ? 0f : bias[r + 2]);
        y[r + 3] = Vector512.Sum(a3) + (bias is null ? 0f : bias[r + 3]);
    }

    /// <summary>Four rows times four tokens in 16 accumulators: each loaded piece of a row or an input serves four products.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FourByFour(ReadOnlySpan<float> rows, int cols, ReadOnlySpan<float> inputs, float[] y, int t, int r, int rowCount, float[]? bias)
    {
        ref var w = ref MemoryMarshal.GetReference(rows);
        ref var x = ref MemoryMarshal.GetReference(inputs);
        Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default;
        Vector512<float> a10 = default, a11 = default, a12 = default, a13 = default;
        Vector512<float> a20 = default, a21 = default, a22 = default, a23 = default;
        Vector512<float> a30 = default, a31 = default, a32 = default, a33 = default;
        var (c1, c2, c3) = ((nuint)cols, (nuint)(2 * cols), (nuint)(3 * cols));
        for (nuint c = 0; c < (nuint)cols; c += 16)
        {
            var x0 = Vector512.LoadUnsafe(ref x, c);
            var x1 = Vector512.LoadUnsafe(ref x, c + c1);
            var x2 = Vector512.LoadUnsafe(ref x, c + c2);
            var x3 = Vector512.LoadUnsafe(ref x, c + c3);
            var w0 = Vector512.LoadUnsafe(ref w, c);
            a00 = Vector512.FusedMultiplyAdd(w0, x0, a00);
            a01 = Vector512.FusedMultiplyAdd(w0, x1, a01);
            a02 = Vector512.FusedMultiplyAdd(w0, x2, a02);
            a03 = Vector512.FusedMultiplyAdd(w0, x3, a03);
            var w1 = Vector512.LoadUnsafe(ref w, c + c1);
            a10 = Vector512.FusedMultiplyAdd(w1, x0, a10);
            a11 = Vector512.FusedMultiplyAdd(w1, x1, a11);
            a12 = Vector512.FusedMultiplyAdd(w1, x2, a12);
            a13 = Vector512.FusedMultiplyAdd(w1, x3, a13);
            var w2 = Vector512.LoadUnsafe(ref w, c + c2);
            a20 = Vector512.FusedMultiplyAdd(w2, x0, a20);
            a21 = Vector512.FusedMultiplyAdd(w2, x1, a21);
            a22 = Vector512.FusedMultiplyAdd(w2, x2, a22);
            a23 = Vector512.FusedMultiplyAdd(w2, x3, a23);
            var w3 = Vector512.LoadUnsafe(ref w, c + c3);
            a30 = Vector512.FusedMultiplyAdd(w3, x0, a30);
            a31 = Vector512.FusedMultiplyAdd(w3, x1, a31);
            a32 = Vector512.FusedMultiplyAdd(w3, x2, a32);
            a33 = Vector512.FusedMultiplyAdd(w3, x3, a33);
        }
        Store(y, t, r, rowCount, bias, a00, a01, a02, a03);
        Store(y, t, r + 1, rowCount, bias, a10, a11, a12, a13);
        Store(y, t, r + 2, rowCount, bias, a20, a21, a22, a23);
        Store(y, t, r + 3, rowCount, bias, a30, a31, a32, a33);
    }

    private static void Store(float[] y, int t, int r, int rowCount, float[]? bias, Vector512<float> s0, Vector512<float> s1, Vector512<float> s2, Vector512<float> s3)
    {
        var add = bias is null ? 0f : bias[r];
        y[t * rowCount + r] = Vector512.Sum(s0) + add;
        y[(t + 1) * rowCount + r] = Vector512.Sum(s1) + add;
        y[(t + 2) * rowCount + r] = Vector512.Sum(s2) + add;
        y[(t + 3) * rowCount + r] = Vector512.Sum(s3) + add;
    }

    /// <summary>The row's dot products with four consecutive input rows of length <paramref name="cols"/> (a multiple of 8).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (float, float, float, float) Dot4(ReadOnlySpan<float> row, ReadOnlySpan<float> inputs, int cols)
    {
        ref var w = ref MemoryMarshal.GetReference(row);
        ref var x = ref MemoryMarshal.GetReference(inputs);
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
        for (var c = 0; c < cols; c += 8)
        {
            var weights = Vector256.LoadUnsafe(ref w, (nuint)c);
            a0 = Vector256.FusedMultiplyAdd(weights, Vector256.LoadUnsafe(ref x, (nuint)c), a0);
            a1 = Vector256.FusedMultiplyAdd(weights, Vector256.LoadUnsafe(ref x, (nuint)(cols + c)), a1);
            a2 = Vector256.FusedMultiplyAdd(weights, Vector256.LoadUnsafe(ref x, (nuint)(2 * cols + c)), a2);
            a3 = Vector256.FusedMultiplyAdd(weights, Vector256.LoadUnsafe(ref x, (nuint)(3 * cols + c)), a3);
        }
        return (Vector256.Sum(a0), Vector256.Sum(a1), Vector256.Sum(a2), Vector256.Sum(a3));
    }

    private static float[] Buffer(int length) =>
        _buffer is { } b && b.Length >= length ? b : _buffer = new float[Math.Max(length, 1024)];
}
