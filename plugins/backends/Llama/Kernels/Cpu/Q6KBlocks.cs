using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Dynamo.Backends.Llama.Kernels.Cpu;

/// <summary>
/// Q6_K, 210 bytes per 256 values: 128 bytes of low 4 bits, 64 of high 2 bits, 16 signed scales
/// (one per 16 values), f16 d; value = d·scale·(q − 32). Each half of 128 values interleaves four
/// groups through the same low and high bytes.
/// </summary>
internal readonly struct Q6KBlocks : IQuantBlocks
{
    public static bool Signed => false;

    public static bool Halves => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> Unpack(ref byte row, int group, out float aLow, out float aHigh, out float bLow, out float bHigh)
    {
        ref var block = ref Unsafe.Add(ref row, (group >> 3) * 210);
        var half = (group >> 2) & 1;
        var k = group & 3;
        var d = HalfTable.Values[Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref block, 208))];
        ref var scales = ref Unsafe.Add(ref block, 192 + 8 * half + 2 * k);
        aLow = d * (sbyte)scales;
        aHigh = d * (sbyte)Unsafe.Add(ref scales, 1);
        bLow = 32f * aLow;
        bHigh = 32f * aHigh;
        var low = Vector256.LoadUnsafe(ref Unsafe.Add(ref block, 64 * half + 32 * (k & 1)));
        low = k < 2 ? low & Vector256.Create((byte)0x0F) : Vector256.ShiftRightLogical(low, 4);
        var high = Vector256.LoadUnsafe(ref Unsafe.Add(ref block, 128 + 32 * half));
        high = Vector256.ShiftLeft(Vector256.ShiftRightLogical(high, 2 * k) & Vector256.Create((byte)3), 4);
        return low | high;
    }
}
