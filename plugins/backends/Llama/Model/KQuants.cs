using System.Buffers.Binary;

namespace Dynamo.Backends.Llama.Model;

/// <summary>Decoding of ggml's K-quant super-blocks (256 values each), the types most GGUF files use.</summary>
internal static class KQuants
{
    /// <summary>
    /// Q4_K, 144 bytes: f16 d, f16 dmin, 12 bytes of 6-bit scales and mins for eight sub-blocks
    /// of 32, then 128 bytes of 4-bit values. A value is d·scale·q − dmin·min; each 32-byte run of
    /// nibbles holds two sub-blocks (low nibbles first).
    /// </summary>
    public static void DecodeQ4K(ReadOnlySpan<byte> block, Span<float> values)
    {
        var d = (float)BinaryPrimitives.ReadHalfLittleEndian(block);
        var dmin = (float)BinaryPrimitives.ReadHalfLittleEndian(block[2..]);
        var scales = block.Slice(4, 12);
        var quants = block.Slice(16, 128);
        for (var group = 0; group < 4; group++)
        {
            var (scaleLow, minLow) = ScaleAndMin(2 * group, scales);
            var (scaleHigh, minHigh) = ScaleAndMin(2 * group + 1, scales);
            var q = quants.Slice(32 * group, 32);
            var output = values.Slice(64 * group, 64);
            for (var i = 0; i < 32; i++)
            {
                output[i] = d * scaleLow * (q[i] & 0x0F) - dmin * minLow;
                output[32 + i] = d * scaleHigh * (q[i] >> 4) - dmin * minHigh;
            }
        }
    }

    /// <summary>The 6-bit scale and min of sub-block <paramref name="j"/>: the first four sit in the low 6 bits of bytes 0–7, the last four are split across bytes 8–11 and the top bits of bytes 0–7.</summary>
    public static (int Scale, int Min) ScaleAndMin(int j, ReadOnlySpan<byte> scales) => j < 4
        ? (scales[j] & 63, scales[j + 4] & 63)
        : ((scales[j + 4] & 0x0F) | ((scales[j - 4] >> 6) << 4), (scales[j + 4] >> 4) | ((scales[j] >> 6) << 4));

    /// <summary>The inverse of <see cref="ScaleAndMin"/>: eight 6-bit scales and mins packed into 12 bytes.</summary>
    public static void PackScales(ReadOnlySpan<int> scales, ReadOnlySpan<int> mins, Span<byte> packed)
    {
        for (var j = 0; j < 4; j++)
        {
            packed[j] = (byte)(scales[j] | ((scales[j + 4] >> 4) << 6));
            packed[j + 4] = (byte)(mins[j] | ((mins[j + 4] >> 4) << 6));
            packed[j + 8] = (byte)((scales[j + 4] & 0x0F) | ((mins[j + 4] & 0x0F) << 4));
        }
    }

    /// <summary>
    /// Q6_K, 210 bytes: 128 bytes of low 4 bits, 64 bytes of high 2 bits, 16 signed 8-bit scales
    /// (one per 16 values), f16 d. A value is d·scale·(q − 32); each half of 128 values interleaves
    /// four runs of 32 through the same low and high bytes.
    /// </summary>
    public static void DecodeQ6K(ReadOnlySpan<byte> block, Span<float> values)
    {
        var d = (float)BinaryPrimitives.ReadHalfLittleEndian(block[208..]);
        for (var half = 0; half < 2; half++)
        {
            var low = block.Slice(64 * half, 64);
            var high = block.Slice(128 + 32 * half, 32);
            var scales = block.Slice(192 + 8 * half, 8);
            var output = values.Slice(128 * half, 128);
            for (var i = 0; i < 32; i++)
            {
                var s = i / 16;
                output[i] = d * (sbyte)scales[s] * (((low[i] & 0x0F) | ((high[i] & 3) << 4)) - 32);
                output[32 + i] = d * (sbyte)scales[s + 2] * (((low[32 + i] & 0x0F) | (((high[i] >> 2) & 3) << 4)) - 32);
                output[64 + i] = d * (sbyte)scales[s + 4] * (((low[i] >> 4) | (((high[i] >> 4) & 3) << 4)) - 32);
                output[96 + i] = d * (sbyte)scales[s + 6] * (((low[32 + i] >> 4) | (((high[i] >> 6) & 3) << 4)) - 32);
            }
        }
    }
}
