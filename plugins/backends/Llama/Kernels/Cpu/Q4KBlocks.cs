using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Dynamo.Backends.Llama.Kernels.Cpu;

/// <summary>
/// Q4_K, 144 bytes per 256 values: f16 d, f16 dmin, 12 bytes of 6-bit scales and mins, 128 bytes
/// of nibbles (each 32-byte run holds two groups, low nibbles first); value = d·scale·q − dmin·min.
/// </summary>
internal readonly struct Q4KBlocks : IKQuantBlocks
{
    public static int BlockBytes => 144;

    public static bool Halves => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Factors(ref byte block, ref float halves, out Vector256<float> a, out Vector256<float> b)
    {
        var d = Unsafe.Add(ref halves, Unsafe.ReadUnaligned<ushort>(ref block));
        var dmin = Unsafe.Add(ref halves, Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref block, 2)));
        // Scales and mins of groups 0–3 sit in the low 6 bits of bytes 0–3 and 4–7; those of groups
        // 4–7 in the nibbles of bytes 8–11, with their top two bits in the top bits of bytes 0–7.
        var s0 = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref block, 4));
        var s1 = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref block, 8));
        var s2 = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref block, 12));
        const uint low6 = 0x3F3F3F3F, low4 = 0x0F0F0F0F, top2 = 0xC0C0C0C0;
        var scalesLow = s0 & low6;
        var minsLow = s1 & low6;
        var scalesHigh = (s2 & low4) | ((s0 & top2) >> 2);
        var minsHigh = ((s2 >> 4) & low4) | ((s1 & top2) >> 2);
        var scales = Vector128.Create(scalesLow, scalesHigh, 0, 0).AsByte();
        var mins = Vector128.Create(minsLow, minsHigh, 0, 0).AsByte();
        a = Vector256.ConvertToSingle(Widen(scales)) * d;
        b = Vector256.ConvertToSingle(Widen(mins)) * dmin;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Widen(Vector128<byte> eight)
    {
        var shorts = Vector128.WidenLower(eight);
        return Vector256.Create(Vector128.WidenLower(shorts), Vector128.WidenUpper(shorts)).AsInt32();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Pair(ref byte block, int pair, out Vector256<byte> first, out Vector256<byte> second)
    {
        var nibbles = Vector256.LoadUnsafe(ref Unsafe.Add(ref block, 16 + 32 * pair));
        first = nibbles & Vector256.Create((byte)0x0F);
        second = Vector256.ShiftRightLogical(nibbles, 4);
    }
}
