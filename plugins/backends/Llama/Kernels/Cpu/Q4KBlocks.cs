using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Dynamo.Backends.Llama.Kernels.Cpu;

/// <summary>
/// Q4_K, 144 bytes per 256 values: f16 d, f16 dmin, 12 bytes of 6-bit scales and mins, 128 bytes
/// of nibbles (each 32-byte run holds two groups, low nibbles first); value = d·scale·q − dmin·min.
/// </summary>
internal readonly struct Q4KBlocks : IQuantBlocks
{
    public static bool Signed => false;

    public static bool Halves => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> Unpack(ref byte row, int group, out float aLow, out float aHigh, out float bLow, out float bHigh)
    {
        ref var block = ref Unsafe.Add(ref row, (group >> 3) * 144);
        var j = group & 7;
        var d = HalfTable.Values[Unsafe.ReadUnaligned<ushort>(ref block)];
        var dmin = HalfTable.Values[Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref block, 2))];
        ref var scales = ref Unsafe.Add(ref block, 4);
        int scale, min;
        if (j < 4)
        {
            scale = Unsafe.Add(ref scales, j) & 63;
            min = Unsafe.Add(ref scales, j + 4) & 63;
        }
        else
        {
            scale = (Unsafe.Add(ref scales, j + 4) & 0x0F) | ((Unsafe.Add(ref scales, j - 4) >> 6) << 4);
            min = (Unsafe.Add(ref scales, j + 4) >> 4) | ((Unsafe.Add(ref scales, j) >> 6) << 4);
        }
        aLow = aHigh = d * scale;
        bLow = bHigh = dmin * min;
        var nibbles = Vector256.LoadUnsafe(ref Unsafe.Add(ref block, 16 + 32 * (j >> 1)));
        return (j & 1) == 0 ? nibbles & Vector256.Create((byte)0x0F) : Vector256.ShiftRightLogical(nibbles, 4);
    }
}
