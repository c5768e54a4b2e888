using System.Buffers.Binary;

namespace Dynamo.Backends.Llama.Model;

/// <summary>
/// Q4_K rows interleaved eight at a time for the CPU's integer products. Per group of eight rows
/// and super-block of 256 values: the rows' d and dmin as F32, each group's 6-bit scale and min
/// unpacked to a byte per row ([group][row]), then the nibbles in 4-byte chunks, row after row
/// ([pair of groups][chunk][row]), so a 32-byte load holds four values of two groups for all eight
/// rows. 1,216 bytes where ggml's layout takes 1,152.
/// </summary>
internal static class Q4Kx8
{
    public const int D = 0, DMin = 32, Scales = 64, Mins = 128, Quants = 192, GroupBlockBytes = 1216;

    public static byte[] Repack(ReadOnlySpan<byte> ggml, int rows, int cols)
    {
        var blocks = cols / 256;
        var data = new byte[(long)rows / 8 * blocks * GroupBlockBytes];
        for (var r = 0; r < rows; r++)
            for (var b = 0; b < blocks; b++)
            {
                var source = ggml.Slice((r * blocks + b) * 144, 144);
                var target = data.AsSpan(Block(r, b, blocks), GroupBlockBytes);
                var lane = r % 8;
                BinaryPrimitives.WriteSingleLittleEndian(target[(D + 4 * lane)..], (float)BinaryPrimitives.ReadHalfLittleEndian(source));
                BinaryPrimitives.WriteSingleLittleEndian(target[(DMin + 4 * lane)..], (float)BinaryPrimitives.ReadHalfLittleEndian(source[2..]));
                for (var j = 0; j < 8; j++)
                {
                    var (scale, min) = KQuants.ScaleAndMin(j, source.Slice(4, 12));
                    target[Scales + 8 * j + lane] = (byte)scale;
                    target[Mins + 8 * j + lane] = (byte)min;
                }
                for (var p = 0; p < 4; p++)
                    for (var k = 0; k < 8; k++)
                        source.Slice(16 + 32 * p + 4 * k, 4).CopyTo(target[(Quants + 256 * p + 32 * k + 4 * lane)..]);
            }
        return data;
    }

    /// <summary>Row <paramref name="row"/> back in ggml's blocks, into <paramref name="buffer"/>.</summary>
    public static ReadOnlySpan<byte> GgmlRow(ReadOnlySpan<byte> data, int row, int cols, Span<byte> buffer)
    {
        var blocks = cols / 256;
        Span<int> scales = stackalloc int[8], mins = stackalloc int[8];
        var lane = row % 8;
        for (var b = 0; b < blocks; b++)
        {
            var source = data.Slice(Block(row, b, blocks), GroupBlockBytes);
            var target = buffer.Slice(144 * b, 144);
            BinaryPrimitives.WriteHalfLittleEndian(target, (Half)BinaryPrimitives.ReadSingleLittleEndian(source[(D + 4 * lane)..]));
            BinaryPrimitives.WriteHalfLittleEndian(target[2..], (Half)BinaryPrimitives.ReadSingleLittleEndian(source[(DMin + 4 * lane)..]));
            for (var j = 0; j < 8; j++)
                (scales[j], mins[j]) = (source[Scales + 8 * j + lane], source[Mins + 8 * j + lane]);
            KQuants.PackScales(scales, mins, target.Slice(4, 12));
            for (var p = 0; p < 4; p++)
                for (var k = 0; k < 8; k++)
                    source.Slice(Quants + 256 * p + 32 * k + 4 * lane, 4).CopyTo(target[(16 + 32 * p + 4 * k)..]);
        }
        return buffer[..(144 * blocks)];
    }

    private static int Block(int row, int block, int blocks) => (row / 8 * blocks + block) * GroupBlockBytes;
}
