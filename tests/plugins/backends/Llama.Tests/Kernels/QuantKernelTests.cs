using System.Buffers.Binary;
using Dynamo.Backends.Llama.Gguf;
using Dynamo.Backends.Llama.Kernels.Cpu;
using Dynamo.Backends.Llama.Model;
using Dynamo.Backends.Llama.Tests.Infrastructure;

namespace Dynamo.Backends.Llama.Tests.Kernels;

/// <summary>
/// The integer products of quantized weights and 8-bit inputs, on every instruction-set path this
/// CPU runs (the portable one always), against a double-precision loop over the decoded weights
/// and the dequantized inputs; then the whole product against float inputs.
/// </summary>
public sealed class QuantKernelTests
{
    private readonly Random _random = new(77);

    public static TheoryData<string> Types => new() { "Q8_0", "Q4_0", "Q4_K", "Q6_K" };

    /// <summary>Each type in ggml's layout (37 rows), and those the CPU interleaves eight rows at a time (40 rows).</summary>
    public static TheoryData<string, int> Layouts => new()
    {
        { "Q8_0", 37 }, { "Q8_0", 40 }, { "Q4_0", 37 }, { "Q4_K", 37 }, { "Q4_K", 40 }, { "Q6_K", 37 }, { "Q6_K", 40 },
    };

    public static TheoryData<string> InterleavedTypes => new() { "Q8_0", "Q4_K", "Q6_K" };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void EveryPathEqualsTheReferenceOnRandomBlocks(string typeName, int rows)
    {
        var type = Enum.Parse<GgmlType>(typeName);
        var cols = type is GgmlType.Q4_K or GgmlType.Q6_K ? 512 : 96;
        var matrix = WeightMatrix.Create(type, RandomBlocks(type, rows, cols), rows, cols);
        Assert.Equal(rows % 8 == 0 && type != GgmlType.Q4_0, matrix.Interleaved);
        var decoded = Decoded(matrix);
        var bias = RandomFloats(rows);
        // One token at a time, and several per unpacked group with remainders; from 8 on, only interleaved rows stay integer.
        foreach (var tokens in matrix.Interleaved ? new[] { 1, 2, 3, 9, 21 } : new[] { 1, 3, 4, 7 })
        {
            var x = CpuKernelsTests.Inputs(RandomFloats(tokens * cols, 2f));
            var q = x.Quantized(tokens, cols);
            var dequantized = Enumerable.Range(0, tokens * cols).Select(i => (double)q.Quants[i] * q.Scales[i / 32]).ToArray();
            var expected = Enumerable.Range(0, tokens * rows)
                .Select(i => Enumerable.Range(0, cols).Sum(c => (double)decoded[i % rows * cols + c] * dequantized[i / rows * cols + c]) + bias[i % rows]).ToArray();
            foreach (var path in CpuPaths.Supported())
                foreach (var threads in CpuKernelsTests.Threads())
                {
                    var y = new float[tokens * rows];
                    new CpuMatMul(threads, path).Multiply(matrix, x, y, tokens, bias);
                    Tolerance.AssertClose(expected, y, 1e-5);
                }
        }
    }

    [Theory]
    [MemberData(nameof(Types))]
    public void FloatInputsMeetTheDecodedMatrix(string typeName)
    {
        var type = Enum.Parse<GgmlType>(typeName);
        // Decode-sized: 8-bit inputs, about 1/254 of each input off, over 256 terms of both signs.
        FloatInputsCase(type, rows: 16, tokens: 5, bound: 2e-2);
        // Prefill-sized, rows not a multiple of 8 (Q8_0 stays in ggml's layout): rows decoded for the float tiles, exact.
        FloatInputsCase(type, rows: 36, tokens: 21, bound: 1e-5);
    }

    private void FloatInputsCase(GgmlType type, int rows, int tokens, double bound)
    {
        const int cols = 256;
        var matrix = WeightMatrix.Create(type, RandomBlocks(type, rows, cols), rows, cols);
        var decoded = Decoded(matrix);
        var x = CpuKernelsTests.Inputs(RandomFloats(tokens * cols));
        var y = new float[tokens * rows];

        new CpuMatMul(CpuThreads.Shared, CpuPaths.Best).Multiply(matrix, x, y, tokens);

        var expected = Enumerable.Range(0, tokens * rows)
            .Select(i => Enumerable.Range(0, cols).Sum(c => (double)decoded[i % rows * cols + c] * x.Values[i / rows * cols + c])).ToArray();
        Tolerance.AssertClose(expected, y, bound);
    }

    private static float[] Decoded(WeightMatrix matrix)
    {
        var decoded = new float[matrix.Rows * matrix.Cols];
        for (var r = 0; r < matrix.Rows; r++)
            matrix.Row(r, decoded.AsSpan(r * matrix.Cols, matrix.Cols));
        return decoded;
    }

    [Theory]
    [MemberData(nameof(InterleavedTypes))]
    public void InterleavedRowsDecodeAndRebuildAsTheFileHasThem(string typeName)
    {
        var type = Enum.Parse<GgmlType>(typeName);
        const int rows = 24, cols = 512;
        var data = RandomBlocks(type, rows, cols);
        var matrix = WeightMatrix.Create(type, data, rows, cols);
        Assert.True(matrix.Interleaved);
        var buffer = new byte[matrix.RowBytes];
        for (var r = 0; r < rows; r++)
        {
            var file = data.AsSpan(r * matrix.RowBytes, matrix.RowBytes);
            Assert.Equal(file.ToArray(), matrix.PackedRow(r, buffer).ToArray());
            var expected = new float[cols];
            GgmlDecoder.Decode(type, file, expected);
            Assert.Equal(expected, matrix.Row(r, new float[cols]).ToArray());
        }
    }

    [Fact]
    public void InputsQuantizeToBlocksOf32WithTheirHalfSums()
    {
        var values = RandomFloats(3 * 64, 5f);
        values[40] = 0; // a block may hold zeros
        Array.Clear(values, 64, 32); // and a block of zeros has scale 0
        var rows = new QuantizedRows();

        rows.Quantize(values, 3, 64);

        for (var b = 0; b < 6; b++)
        {
            var block = values.AsSpan(32 * b, 32).ToArray();
            var max = block.Max(Math.Abs);
            Assert.Equal(max / 127f, rows.Scales[b], 6);
            for (var i = 0; i < 32; i++)
                Assert.Equal(max == 0 ? 0 : (int)MathF.Round(block[i] * (127f / max)), rows.Quants[32 * b + i]);
            Assert.Equal(rows.Scales[b] * Enumerable.Range(0, 16).Sum(i => rows.Quants[32 * b + i]), rows.HalfSums[2 * b], 4);
            Assert.Equal(rows.Scales[b] * Enumerable.Range(16, 16).Sum(i => rows.Quants[32 * b + i]), rows.HalfSums[2 * b + 1], 4);
        }
        Assert.Equal(0f, rows.Scales[2]);
    }

    /// <summary>Random bytes for every quant (including −128 for Q8_0) with sane f16 scales in their places.</summary>
    private byte[] RandomBlocks(GgmlType type, int rows, int cols)
    {
        var data = new byte[rows * GgmlTypeInfo.ByteSize(type, cols)];
        _random.NextBytes(data);
        var (blockBytes, scaleOffsets) = type switch
        {
            GgmlType.Q8_0 => (34, new[] { 0 }),
            GgmlType.Q4_0 => (18, new[] { 0 }),
            GgmlType.Q4_K => (144, new[] { 0, 2 }),
            _ => (210, new[] { 208 }),
        };
        for (var b = 0; b < data.Length; b += blockBytes)
            foreach (var offset in scaleOffsets)
                BinaryPrimitives.WriteHalfLittleEndian(data.AsSpan(b + offset), (Half)(_random.NextDouble() * 0.02 + 0.001));
        return data;
    }

    private float[] RandomFloats(int n, float scale = 1f) => Enumerable.Range(0, n).Select(_ => (float)(_random.NextDouble() * 2 - 1) * scale).ToArray();
}
