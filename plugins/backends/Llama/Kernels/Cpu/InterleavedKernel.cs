using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Dynamo.Backends.Llama.Kernels.Cpu;

/// <summary>
/// A product over rows held eight at a time (<see cref="Model.Interleaving"/>): lane r of every
/// vector belongs to row r, so each 32-byte load of weights meets four input bytes broadcast to
/// all lanes, and eight results land together with no horizontal sums. Two tokens share each
/// pass over the weights.
/// </summary>
internal abstract class InterleavedKernel : QuantKernel
{
    /// <summary>Bytes of one group of eight rows <paramref name="cols"/> long.</summary>
    protected abstract int GroupBytes(int cols);

    /// <summary>The group's eight products with token <paramref name="t"/>, and with <paramref name="t"/>+1 when <paramref name="two"/>.</summary>
    protected abstract (Vector256<float>, Vector256<float>) Dot(ref byte group, QuantizedRows x, int t, bool two);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public sealed override void Multiply(ReadOnlySpan<byte> matrix, int rowBytes, int from, int to, QuantizedRows x, int tokens, float[] y, int rows, float[]? bias)
    {
        var groupBytes = GroupBytes(x.Cols);
        ref var start = ref MemoryMarshal.GetReference(matrix);
        for (var r = from; r < to; r += 8)
        {
            ref var group = ref Unsafe.Add(ref start, (nint)(r / 8) * groupBytes);
            var add = bias is null ? Vector256<float>.Zero : Vector256.Create(bias.AsSpan(r, 8));
            for (var t = 0; t < tokens; t += 2)
            {
                var two = t + 1 < tokens;
                var (first, second) = Dot(ref group, x, t, two);
                (first + add).StoreUnsafe(ref y[t * rows + r]);
                if (two)
                    (second + add).StoreUnsafe(ref y[(t + 1) * rows + r]);
            }
        }
    }

    /// <summary>Input bytes 4k..4k+3 of the block at <paramref name="input"/>, in every lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected static Vector256<sbyte> Broadcast(ref sbyte input, int k) =>
        Vector256.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref input, 4 * k)))).AsSByte();

    /// <summary>Eight bytes as eight floats (unsigned, or signed).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected static Vector256<float> Widen(ref byte bytes, bool signed)
    {
        var eight = Vector128.CreateScalar(Unsafe.ReadUnaligned<ulong>(ref bytes));
        if (signed)
        {
            var shorts = Vector128.WidenLower(eight.AsSByte());
            return Vector256.ConvertToSingle(Vector256.Create(Vector128.WidenLower(shorts), Vector128.WidenUpper(shorts)));
        }
        var unsigned = Vector128.WidenLower(eight.AsByte());
        return Vector256.ConvertToSingle(Vector256.Create(Vector128.WidenLower(unsigned), Vector128.WidenUpper(unsigned)).AsInt32());
    }
}
