using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Dynamo.Backends.Llama.Kernels.Cpu;

/// <summary>Q8_0, 34 bytes: f16 d, 32 signed bytes; value = d·q.</summary>
internal readonly struct Q8_0Blocks : IQuantBlocks
{
    public static bool Signed => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<byte> Unpack(ref byte row, int group, ref float halves, out float a, out float b)
    {
        ref var block = ref Unsafe.Add(ref row, group * 34);
        a = Unsafe.Add(ref halves, Unsafe.ReadUnaligned<ushort>(ref block));
        b = 0f;
        return Vector256.LoadUnsafe(ref Unsafe.Add(ref block, 2));
    }
}
