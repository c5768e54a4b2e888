using ILGPU;

namespace Dynamo.Backends.Llama.Kernels.Gpu;

/// <summary>
/// How a matrix-product kernel reads four consecutive weights of a device matrix (one load where
/// the format allows, so each lane keeps many bytes in flight). Each storage format is a struct,
/// so ILGPU compiles one specialised kernel per format with no indirection.
/// </summary>
internal interface IWeightRows
{
    /// <param name="quad">Which four columns: (row·cols + col) / 4, col a multiple of 4.</param>
    void Get4(long quad, out float w0, out float w1, out float w2, out float w3);
}

internal struct F32Rows(ArrayView<float> data) : IWeightRows
{
    public ArrayView<float> Data = data;

    public readonly void Get4(long quad, out float w0, out float w1, out float w2, out float w3)
    {
        w0 = Data[4 * quad];
        w1 = Data[4 * quad + 1];
        w2 = Data[4 * quad + 2];
        w3 = Data[4 * quad + 3];
    }
}

/// <summary>IEEE half floats kept as their bits, read four at a time as one 64-bit word.</summary>
internal struct F16Rows(ArrayView<ulong> quads) : IWeightRows
{
    public ArrayView<ulong> Quads = quads;

    public readonly void Get4(long quad, out float w0, out float w1, out float w2, out float w3)
    {
        var bits = Quads[quad];
        w0 = HalfBits.ToFloat((ushort)bits);
        w1 = HalfBits.ToFloat((ushort)(bits >> 16));
        w2 = HalfBits.ToFloat((ushort)(bits >> 32));
        w3 = HalfBits.ToFloat((ushort)(bits >> 48));
    }
}

/// <summary>Q8_0 repacked for aligned reads: int8 weights read four at a time as one 32-bit word, one F32 scale per 32 weights.</summary>
internal struct Q8Rows(ArrayView<uint> quads, ArrayView<float> scales) : IWeightRows
{
    public ArrayView<uint> Quads = quads;
    public ArrayView<float> Scales = scales;

    public readonly void Get4(long quad, out float w0, out float w1, out float w2, out float w3)
    {
        var bits = Quads[quad];
        var scale = Scales[quad / 8];
        // Sign-extend each byte with shifts: ILGPU's PTX backend got (sbyte)(byte) casts wrong (seen on an H100).
        w0 = scale * ((int)(bits << 24) >> 24);
        w1 = scale * ((int)(bits << 16) >> 24);
        w2 = scale * ((int)(bits << 8) >> 24);
        w3 = scale * ((int)bits >> 24);
    }
}
