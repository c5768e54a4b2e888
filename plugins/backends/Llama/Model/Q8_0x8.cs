using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Dynamo.Backends.Llama.Model;

/// <summary>
/// Q8_0 rows interleaved eight at a time, the layout the CPU's decode products read: for each
/// group of eight rows and each 32-value block, the eight rows' scales as F32, then eight chunks
/// of 32 bytes, chunk k holding bytes 4k..4k+3 of each row in turn, stored as q + 128. One 32-byte
/// load then feeds eight rows' dot products with the same four input bytes (a VNNI instruction
/// per chunk), instead of one row per load. The F32 scales make a block 36 bytes instead of 34.
/// </summary>
internal static class Q8_0x8
{
    public const int Rows = 8;

    /// <summary>Bytes per block of eight rows: eight F32 scales and 8 × 32 quants.</summary>
    public const int GroupBlockBytes = Rows * 4 + Rows * 32;

    public static long ByteSize(int rows, int cols) => (long)rows / Rows * (cols / 32) * GroupBlockBytes;

    /// <summary>The interleaved form of <paramref name="rows"/> rows in ggml's Q8_0 blocks (34 bytes: f16 scale, 32 quants).</summary>
    public static byte[] Repack(ReadOnlySpan<byte> ggml, int rows, int cols)
    {
        var blocks = cols / 32;
        var data = new byte[ByteSize(rows, cols)];
        for (var r = 0; r < rows; r++)
            for (var b = 0; b < blocks; b++)
            {
                var source = ggml.Slice((r * blocks + b) * 34, 34);
                var at = Block(r, b, blocks);
                BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(at + 4 * (r % Rows)), (float)BinaryPrimitives.ReadHalfLittleEndian(source));
                for (var i = 0; i < 32; i++)
                    data[Quant(at, r, i)] = (byte)(source[2 + i] ^ 0x80);
            }
        return data;
    }

    /// <summary>Row <paramref name="row"/> back in ggml's Q8_0 blocks (for the GPU upload), into <paramref name="buffer"/>.</summary>
    public static ReadOnlySpan<byte> GgmlRow(ReadOnlySpan<byte> data, int row, int cols, Span<byte> buffer)
    {
        var blocks = cols / 32;
        for (var b = 0; b < blocks; b++)
        {
            var at = Block(row, b, blocks);
            var block = buffer.Slice(34 * b, 34);
            BinaryPrimitives.WriteHalfLittleEndian(block, (Half)BinaryPrimitives.ReadSingleLittleEndian(data[(at + 4 * (row % Rows))..]));
            for (var i = 0; i < 32; i++)
                block[2 + i] = (byte)(data[Quant(at, row, i)] ^ 0x80);
        }
        return buffer[..(34 * blocks)];
    }

    private static int Block(int row, int block, int blocks) => (row / Rows * blocks + block) * GroupBlockBytes;

    /// <summary>Where quant <paramref name="i"/> of a row's block lies: chunk i/4, the row's four bytes in it.</summary>
    private static int Quant(int blockAt, int row, int i) => blockAt + Rows * 4 + 32 * (i / 4) + 4 * (row % Rows) + i % 4;
}
