using System.Runtime.Intrinsics;

namespace Dynamo.Backends.Llama.Kernels.Cpu;

/// <summary>
/// A quantized weight type of 32-value blocks, read one block (a group) at a time as unsigned
/// bytes q with value = a·q − b. Signed types (Q8_0) give their signed bytes instead, value = a·q.
/// </summary>
internal interface IQuantBlocks
{
    static abstract bool Signed { get; }

    /// <summary>Group <paramref name="group"/> of the row starting at <paramref name="row"/>; <paramref name="halves"/> is <see cref="HalfTable.Values"/>.</summary>
    static abstract Vector256<byte> Unpack(ref byte row, int group, ref float halves, out float a, out float b);
}
