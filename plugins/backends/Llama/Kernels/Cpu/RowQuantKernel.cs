using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Dynamo.Backends.Llama.Kernels.Cpu;

/// <summary>
/// A quantized product one row at a time in ggml's layout: four tokens at a time share each
/// unpacked group (batched decode); with fewer, each token reads the row once.
/// </summary>
internal abstract class RowQuantKernel : QuantKernel
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public sealed override void Multiply(ReadOnlySpan<byte> matrix, int rowBytes, int from, int to, QuantizedRows x, int tokens, float[] y, int rows, float[]? bias)
    {
        ref var start = ref MemoryMarshal.GetReference(matrix);
        for (var r = from; r < to; r++)
        {
            ref var row = ref Unsafe.Add(ref start, (nint)r * rowBytes);
            var add = bias is null ? 0f : bias[r];
            var t = 0;
            for (; t + 4 <= tokens; t += 4)
            {
                var (s0, s1, s2, s3) = Dot4(ref row, x, t);
                y[t * rows + r] = s0 + add;
                y[(t + 1) * rows + r] = s1 + add;
                y[(t + 2) * rows + r] = s2 + add;
                y[(t + 3) * rows + r] = s3 + add;
            }
            for (; t < tokens; t++)
                y[t * rows + r] = Dot1(ref row, x, t) + add;
        }
    }

    /// <summary>The row's product with token <paramref name="t"/>.</summary>
    protected abstract float Dot1(ref byte row, QuantizedRows x, int t);

    /// <summary>The row's products with tokens <paramref name="t"/>..<paramref name="t"/>+3.</summary>
    protected abstract (float, float, float, float) Dot4(ref byte row, QuantizedRows x, int t);
}
