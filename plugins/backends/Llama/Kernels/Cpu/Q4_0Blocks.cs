using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Dynamo.Backends.Llama.Kernels.Cpu;

/// <summary>Q4_0, 18 bytes: f16 d, 16 bytes of nibbles (values 0–15 low, 16–31 high); value = d·(q − 8).</summary>
internal readonly struct Q4_0Blocks : IQuantBlocks
{
    public static bool Signed => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> Unpack(ref byte row, int group, ref float halves, out float a, out float b)
    {
        ref var block = ref Unsafe.Add(ref row, group * 18);
        a = Unsafe.Add(ref halves, Unsafe.ReadUnaligned<ushort>(ref block));
        b = 8f * a;
        var nibbles = Vector128.LoadUnsafe(ref Unsafe.Add(ref block, 2));
        return Vector256.Create(nibbles & Vector128.Create((byte)0x0F), Vector128.ShiftRightLogical(nibbles, 4));
    }
}
