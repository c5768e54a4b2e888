using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Dynamo.Backends.Llama.Kernels.Cpu;

/// <summary>Q8_0, 34 bytes: f16 d, 32 signed bytes; value = d·q.</summary>
internal readonly struct Q8_0Blocks : IQuantBlocks
{
    public static bool Signed => true;

    public static bool Halves => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> Unpack(ref byte row, int group, out float aLow, out float aHigh, out float bLow, out float bHigh)
    {
        ref var block = ref Unsafe.Add(ref row, group * 34);
        aLow = aHigh = HalfTable.Values[Unsafe.ReadUnaligned<ushort>(ref block)];
        bLow = bHigh = 0f;
        return Vector256.LoadUnsafe(ref Unsafe.Add(ref block, 2));
    }
}
