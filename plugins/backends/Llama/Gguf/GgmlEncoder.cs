namespace Dynamo.Backends.Llama.Gguf;

/// <summary>Encodes F32 values as ggml tensor bytes (round-to-nearest quantization), returning the values the bytes decode to.</summary>
internal static class GgmlEncoder
{
    public static (byte[] Data, float[] Stored) Encode(float[] values, GgmlType type)
    {
        var stored = new float[values.Length];
        using var data = new MemoryStream();
        using var w = new BinaryWriter(data);
        switch (type)
        {
            case GgmlType.F32:
                for (var i = 0; i < values.Length; i++) { w.Write(values[i]); stored[i] = values[i]; }
                break;
            case GgmlType.F16:
                for (var i = 0; i < values.Length; i++) { var h = (Half)values[i]; w.Write(h); stored[i] = (float)h; }
                break;
            case GgmlType.BF16:
                for (var i = 0; i < values.Length; i++)
                {
                    var bits = (ushort)(BitConverter.SingleToInt32Bits(values[i]) >> 16); // truncation is a valid bf16 value
                    w.Write(bits);
                    stored[i] = BitConverter.Int32BitsToSingle(bits << 16);
                }
                break;
            case GgmlType.Q8_0:
                for (var b = 0; b < values.Length; b += 32)
                {
                    var max = 0f;
                    for (var i = 0; i < 32; i++) max = Math.Max(max, Math.Abs(values[b + i]));
                    var scale = (Half)(max / 127f);
                    w.Write(scale);
                    for (var i = 0; i < 32; i++)
                    {
                        var q = (float)scale == 0 ? 0 : (sbyte)Math.Clamp(Math.Round(values[b + i] / (float)scale), -127, 127);
                        w.Write((sbyte)q);
                        stored[b + i] = q * (float)scale;
                    }
                }
                break;
            case GgmlType.Q4_0:
                for (var b = 0; b < values.Length; b += 32)
                {
                    var extreme = 0f;
                    for (var i = 0; i < 32; i++) if (Math.Abs(values[b + i]) > Math.Abs(extreme)) extreme = values[b + i];
                    var scale = (Half)(extreme / -8f);
                    w.Write(scale);
                    var q = new int[32];
                    for (var i = 0; i < 32; i++)
                    {
                        q[i] = (float)scale == 0 ? 8 : Math.Clamp((int)Math.Round(values[b + i] / (float)scale) + 8, 0, 15);
                        stored[b + i] = (q[i] - 8) * (float)scale;
                    }
                    for (var i = 0; i < 16; i++)
                        w.Write((byte)(q[i] | (q[i + 16] << 4)));
                }
                break;
            case GgmlType.Q4_K:
                for (var b = 0; b < values.Length; b += 256)
                    w.Write(KQuantEncoder.Q4K(values.AsSpan(b, 256)));
                break;
            case GgmlType.Q6_K:
                for (var b = 0; b < values.Length; b += 256)
                    w.Write(KQuantEncoder.Q6K(values.AsSpan(b, 256)));
                break;
            default:
                throw new ArgumentException($"Encoding {type} is not supported.");
        }
        var bytes = data.ToArray();
        if (type is GgmlType.Q4_K or GgmlType.Q6_K)
            Model.GgmlDecoder.Decode(type, bytes, stored);
        return (bytes, stored);
    }
}
