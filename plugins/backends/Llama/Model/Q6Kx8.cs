using System.Buffers.Binary;

namespace Dynamo.Backends.Llama.Model;

/// <summary>
/// Q6_K rows interleaved eight at a time for the CPU's integer products. Per group of eight rows
/// and super-block of 256 values: the rows' d as F32, the sixteen scales ([scale][row]), then for
/// each half and chunk of four values the two low planes' and the high plane's 4-byte chunks, row
/// after row ([half][chunk][low run 0, low run 1, high][row]): three consecutive 32-byte loads
/// rebuild four values of four groups for all eight rows, and the kernel reads the block front to
/// back (three planes read apart measured a fifth of the memory speed). 1,696 bytes where ggml's
/// layout takes 1,680.
/// </summary>
internal static class Q6Kx8
{
    public const int D = 0, Scales = 32, Quants = 160, GroupBlockBytes = 1696;

    public static byte[] Repack(ReadOnlySpan<byte> ggml, int rows, int cols)
    {
        var blocks = cols / 256;
        var data = new byte[(long)rows / 8 * blocks * GroupBlockBytes];
        for (var r = 0; r < rows; r++)
            for (var b = 0; b < blocks; b++)
            {
                var source = ggml.Slice((r * blocks + b) * 210, 210);
                var target = data.AsSpan(Block(r, b, blocks), GroupBlockBytes);
                var lane = r % 8;
                BinaryPrimitives.WriteSingleLittleEndian(target[(D + 4 * lane)..], (float)BinaryPrimitives.ReadHalfLittleEndian(source[208..]));
                for (var s = 0; s < 16; s++)
                    target[Scales + 8 * s + lane] = source[192 + s];
                for (var half = 0; half < 2; half++)
                    for (var k = 0; k < 8; k++)
                    {
                        for (var run = 0; run < 2; run++)
                            source.Slice(64 * half + 32 * run + 4 * k, 4).CopyTo(target[LowAt(half, run, k, lane)..]);
                        source.Slice(128 + 32 * half + 4 * k, 4).CopyTo(target[HighAt(half, k, lane)..]);
                    }
            }
        return data;
    }

    /// <summary>Row <paramref name="row"/> back in ggml's blocks, into <paramref name="buffer"/>.</summary>
    public static ReadOnlySpan<byte> GgmlRow(ReadOnlySpan<byte> data, int row, int cols, Span<byte> buffer)
    {
        var blocks = cols / 256;
        var lane = row % 8;
        for (var b = 0; b < blocks; b++)
        {
            var source = data.Slice(Block(row, b, blocks), GroupBlockBytes);
            var target = buffer.Slice(210 * b, 210);
            BinaryPrimitives.WriteHalfLittleEndian(target[208..], (Half)BinaryPrimitives.ReadSingleLittleEndian(source[(D + 4 * lane)..]));
            for (var s = 0; s < 16; s++)
                target[192 + s] = source[Scales + 8 * s + lane];
            for (var half = 0; half < 2; half++)
                for (var k = 0; k < 8; k++)
                {
                    for (var run = 0; run < 2; run++)
                        source.Slice(LowAt(half, run, k, lane), 4).CopyTo(target[(64 * half + 32 * run + 4 * k)..]);
                    source.Slice(HighAt(half, k, lane), 4).CopyTo(target[(128 + 32 * half + 4 * k)..]);
                }
        }
        return buffer[..(210 * blocks)];
    }

    public static int LowAt(int half, int run, int chunk, int lane) => Quants + 96 * (8 * half + chunk) + 32 * run + 4 * lane;

    public static int HighAt(int half, int chunk, int lane) => Quants + 96 * (8 * half + chunk) + 64 + 4 * lane;

    private static int Block(int row, int block, int blocks) => (row / 8 * blocks + block) * GroupBlockBytes;
}
