using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Dynamo.Backends.Llama.Gguf;
using Dynamo.Backends.Llama.Kernels.Cpu;

namespace Dynamo.Backends.Llama.Model;

/// <summary>Turns ggml tensor bytes (a whole tensor or one row: whole blocks either way) into F32 values.</summary>
internal static class GgmlDecoder
{
    public static bool IsSupported(GgmlType type) => type is GgmlType.F32 or GgmlType.F16 or GgmlType.BF16
        or GgmlType.Q8_0 or GgmlType.Q4_0 or GgmlType.Q4_K or GgmlType.Q6_K;

    public static void EnsureSupported(GgmlType type, string path, string name)
    {
        if (!IsSupported(type))
            throw new GgufFormatException(path, $"tensor '{name}' is {type}, which this engine cannot load yet (F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K are supported).");
    }

    public static void Decode(GgmlType type, ReadOnlySpan<byte> data, Span<float> values, string path = "", string name = "")
    {
        switch (type)
        {
            case GgmlType.F32:
                MemoryMarshal.Cast<byte, float>(data).CopyTo(values);
                break;
            case GgmlType.F16:
                Vectors.HalfToFloat(MemoryMarshal.Cast<byte, ushort>(data), values);
                break;
            case GgmlType.BF16:
                var bf16 = MemoryMarshal.Cast<byte, ushort>(data);
                for (var i = 0; i < values.Length; i++)
                    values[i] = BitConverter.Int32BitsToSingle(bf16[i] << 16);
                break;
            case GgmlType.Q8_0:
                for (int b = 0, o = 0; o < values.Length; b += 34, o += 32)
                    DecodeQ8Block((float)BinaryPrimitives.ReadHalfLittleEndian(data[b..]), data.Slice(b + 2, 32), values.Slice(o, 32));
                break;
            case GgmlType.Q4_0:
                for (int b = 0, o = 0; o < values.Length; b += 18, o += 32)
                    DecodeQ4Block((float)BinaryPrimitives.ReadHalfLittleEndian(data[b..]), data.Slice(b + 2, 16), values.Slice(o, 32));
                break;
            case GgmlType.Q4_K:
                for (int b = 0, o = 0; o < values.Length; b += 144, o += 256)
                    KQuants.DecodeQ4K(data.Slice(b, 144), values.Slice(o, 256));
                break;
            case GgmlType.Q6_K:
                for (int b = 0, o = 0; o < values.Length; b += 210, o += 256)
                    KQuants.DecodeQ6K(data.Slice(b, 210), values.Slice(o, 256));
                break;
            default:
                EnsureSupported(type, path, name);
                break;
        }
    }

    /// <summary>16 bytes of nibbles (values 0–15 low, 16–31 high), less 8, times a scale.</summary>
    private static void DecodeQ4Block(float scale, ReadOnlySpan<byte> nibbles, Span<float> values)
    {
        if (!Vector256.IsHardwareAccelerated)
        {
            for (var i = 0; i < 16; i++)
            {
                values[i] = scale * ((nibbles[i] & 0x0F) - 8);
                values[i + 16] = scale * ((nibbles[i] >> 4) - 8);
            }
            return;
        }
        var packed = Vector128.Create(nibbles);
        var bytes = Vector256.Create(packed & Vector128.Create((byte)0x0F), Vector128.ShiftRightLogical(packed, 4)).AsSByte() - Vector256.Create((sbyte)8);
        Scale(bytes, scale, values);
    }

    /// <summary>32 signed bytes times a scale.</summary>
    private static void DecodeQ8Block(float scale, ReadOnlySpan<byte> quants, Span<float> values)
    {
        if (!Vector256.IsHardwareAccelerated)
        {
            for (var i = 0; i < 32; i++)
                values[i] = scale * (sbyte)quants[i];
            return;
        }
        var bytes = Vector256.Create(MemoryMarshal.Cast<byte, sbyte>(quants));
        Scale(bytes, scale, values);
    }

    /// <summary>32 signed bytes times a scale, eight lanes at a time: sbyte → short → int → float.</summary>
    private static void Scale(Vector256<sbyte> bytes, float scale, Span<float> values)
    {
        var factor = Vector256.Create(scale);
        var (low, high) = Vector256.Widen(bytes);
        var (a, b) = Vector256.Widen(low);
        var (c, d) = Vector256.Widen(high);
        (Vector256.ConvertToSingle(a) * factor).CopyTo(values);
        (Vector256.ConvertToSingle(b) * factor).CopyTo(values[8..]);
        (Vector256.ConvertToSingle(c) * factor).CopyTo(values[16..]);
        (Vector256.ConvertToSingle(d) * factor).CopyTo(values[24..]);
    }
}
