using System.Runtime.Intrinsics;

namespace Dynamo.Backends.Llama.Kernels.Cpu;

/// <summary>
/// One quantized weight type, read 32 values (a group) at a time as unsigned bytes q with
/// value = a·q − b, where a and b may differ between the group's two halves of 16 (Q6_K's
/// scales). Signed types (Q8_0) give their signed bytes instead, value = a·q, and b is zero.
/// </summary>
internal interface IQuantBlocks
{
    static abstract bool Signed { get; }

    static abstract bool Halves { get; }

    /// <summary>Group <paramref name="group"/> of the row starting at <paramref name="row"/>.</summary>
    static abstract Vector256<byte> Unpack(ref byte row, int group, out float aLow, out float aHigh, out float bLow, out float bHigh);
}
