using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Dynamo.Backends.Llama.Kernels.Cpu;

/// <summary>
/// Q6_K, 210 bytes per 256 values: 128 bytes of low 4 bits, 64 of high 2 bits, 16 signed scales
/// (one per 16 values, in order), f16 d; value = d·scale·(q − 32). Each half of 128 values
/// interleaves four groups through the same low and high bytes.
/// </summary>
internal readonly struct Q6KBlocks : IKQuantBlocks
{
    public static int BlockBytes => 210;

    public static bool Halves => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Factors(ref byte block, ref float halves, out Vector256<float> a, out Vector256<float> b)
    {
        var d = Unsafe.Add(ref halves, Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref block, 208)));
        var (first, second) = Vector128.Widen(Vector128.LoadUnsafe(ref Unsafe.Add(ref block, 192)).AsSByte());
        a = Vector256.ConvertToSingle(Vector256.Create(Vector128.WidenLower(first), Vector128.WidenUpper(first))) * d;
        b = Vector256.ConvertToSingle(Vector256.Create(Vector128.WidenLower(second), Vector128.WidenUpper(second))) * d;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Pair(ref byte block, int pair, out Vector256<byte> first, out Vector256<byte> second)
    {
        // Pair p covers groups 2p and 2p+1 of half p/2: low nibbles for p even, high for p odd, of
        // two 32-byte runs; the high bits sit at shifts 0 and 2 (p even) or 4 and 6 (p odd).
        var half = pair >> 1;
        var shift = 4 * (pair & 1);
        var mask = Vector256.Create((byte)0x0F);
        var low0 = Vector256.ShiftRightLogical(Vector256.LoadUnsafe(ref Unsafe.Add(ref block, 64 * half)), shift) & mask;
        var low1 = Vector256.ShiftRightLogical(Vector256.LoadUnsafe(ref Unsafe.Add(ref block, 64 * half + 32)), shift) & mask;
        var high = Vector256.ShiftRightLogical(Vector256.LoadUnsafe(ref Unsafe.Add(ref block, 128 + 32 * half)), shift);
        var three = Vector256.Create((byte)3);
        first = low0 | Vector256.ShiftLeft(high & three, 4);
        second = low1 | Vector256.ShiftLeft(Vector256.ShiftRightLogical(high, 2) & three, 4);
    }
}
