using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Dynamo.Backends.Llama.Kernels.Cpu;

/// <summary>Q4_0, 18 bytes: f16 d, 16 bytes of nibbles (values 0–15 low, 16–31 high); value = d·(q − 8).</summary>
internal readonly struct Q4_0Blocks : IQuantBlocks
{
    public static bool Signed => false;

    public static bool Halves => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> Unpack(ref byte row, int group, out float aLow, out float aHigh, out float bLow, out float bHigh)
    {
        ref var block = ref Unsafe.Add(ref row, group * 18);
        aLow = aHigh = HalfTable.Values[Unsafe.ReadUnaligned<ushort>(ref block)];
        bLow = bHigh = 8f * aLow;
        var nibbles = Vector128.LoadUnsafe(ref Unsafe.Add(ref block, 2));
        return Vector256.Create(nibbles & Vector128.Create((byte)0x0F), Vector128.ShiftRightLogical(nibbles, 4));
    }
}
