namespace Dynamo.Backends.Llama.Gguf;

/// <summary>
/// Round-to-nearest K-quant encoding of one super-block of 256 values (for generated models and
/// tests; llama.cpp's quantizer searches scales harder, the layout is the same).
/// </summary>
internal static class KQuantEncoder
{
    /// <summary>Q4_K: eight groups of 32, each with a 6-bit scale and min; value = d·scale·q − dmin·min, q in 0–15.</summary>
    public static byte[] Q4K(ReadOnlySpan<float> x)
    {
        Span<float> scales = stackalloc float[8], mins = stackalloc float[8];
        for (var j = 0; j < 8; j++)
        {
            var group = x.Slice(32 * j, 32);
            float low = 0, high = 0;
            foreach (var v in group)
                (low, high) = (Math.Min(low, v), Math.Max(high, v));
            (scales[j], mins[j]) = ((high - low) / 15f, -low);
        }
        var d = (Half)(Max(scales) / 63f);
        var dmin = (Half)(Max(mins) / 63f);
        Span<int> sc = stackalloc int[8], m = stackalloc int[8];
        for (var j = 0; j < 8; j++)
        {
            sc[j] = (float)d == 0 ? 0 : Math.Clamp((int)MathF.Round(scales[j] / (float)d), 0, 63);
            m[j] = (float)dmin == 0 ? 0 : Math.Clamp((int)MathF.Round(mins[j] / (float)dmin), 0, 63);
        }
        var block = new byte[144];
        BitConverter.TryWriteBytes(block.AsSpan(0), d);
        BitConverter.TryWriteBytes(block.AsSpan(2), dmin);
        Model.KQuants.PackScales(sc, m, block.AsSpan(4, 12));
        for (var j = 0; j < 8; j++)
        {
            var step = (float)d * sc[j];
            var offset = (float)dmin * m[j];
            for (var i = 0; i < 32; i++)
            {
                var q = step == 0 ? 0 : Math.Clamp((int)MathF.Round((x[32 * j + i] + offset) / step), 0, 15);
                block[16 + 32 * (j / 2) + i] |= (byte)(j % 2 == 0 ? q : q << 4);
            }
        }
        return block;
    }

    /// <summary>Q6_K: sixteen groups of 16, each with a signed 8-bit scale; value = d·scale·(q − 32), q in 0–63.</summary>
    public static byte[] Q6K(ReadOnlySpan<float> x)
    {
        Span<float> scales = stackalloc float[16];
        for (var s = 0; s < 16; s++)
        {
            var extreme = 0f;
            foreach (var v in x.Slice(16 * s, 16))
                if (Math.Abs(v) > Math.Abs(extreme))
                    extreme = v;
            scales[s] = extreme / -32f;
        }
        var largest = 0f;
        foreach (var s in scales)
            largest = Math.Max(largest, Math.Abs(s));
        var d = (Half)(largest / 127f);
        var block = new byte[210];
        Span<int> q = stackalloc int[256];
        for (var s = 0; s < 16; s++)
        {
            var sc = (float)d == 0 ? 0 : Math.Clamp((int)MathF.Round(scales[s] / (float)d), -128, 127);
            block[192 + s] = (byte)(sbyte)sc;
            var step = (float)d * sc;
            for (var i = 16 * s; i < 16 * s + 16; i++)
                q[i] = step == 0 ? 32 : Math.Clamp((int)MathF.Round(x[i] / step) + 32, 0, 63);
        }
        for (var half = 0; half < 2; half++)
            for (var i = 0; i < 32; i++)
            {
                var (v0, v1, v2, v3) = (q[128 * half + i], q[128 * half + 32 + i], q[128 * half + 64 + i], q[128 * half + 96 + i]);
                block[64 * half + i] = (byte)((v0 & 0x0F) | ((v2 & 0x0F) << 4));
                block[64 * half + 32 + i] = (byte)((v1 & 0x0F) | ((v3 & 0x0F) << 4));
                block[128 + 32 * half + i] = (byte)((v0 >> 4) | ((v1 >> 4) << 2) | ((v2 >> 4) << 4) | ((v3 >> 4) << 6));
            }
        BitConverter.TryWriteBytes(block.AsSpan(208), d);
        return block;
    }

    private static float Max(ReadOnlySpan<float> values)
    {
        var max = 0f;
        foreach (var v in values)
            max = Math.Max(max, v);
        return max;
    }
}
