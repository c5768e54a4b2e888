using ILGPU;

namespace Dynamo.Backends.Llama.Kernels.Gpu;

/// <summary>Half-float bits to float with integer operations only, so every ILGPU backend compiles it.</summary>
internal static class HalfBits
{
    public static float ToFloat(ushort h)
    {
        var sign = (uint)(h & 0x8000) << 16;
        var exponent = (h >> 10) & 0x1f;
        var mantissa = (uint)(h & 0x3ff);
        if (exponent == 0)
        {
            // Zero or subnormal: mantissa · 2^-24.
            var magnitude = mantissa * (1f / 16777216f);
            return sign != 0 ? -magnitude : magnitude;
        }
        var bits = exponent == 31
            ? sign | 0x7f800000u | (mantissa << 13)
            : sign | ((uint)(exponent + 112) << 23) | (mantissa << 13);
        return Interop.IntAsFloat(bits);
    }
}
