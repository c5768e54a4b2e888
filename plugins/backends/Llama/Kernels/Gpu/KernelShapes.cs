namespace Dynamo.Backends.Llama.Kernels.Gpu;

// Kernel arguments travel as small structs of plain fields (ILGPU passes them by value).

/// <summary>y[t, r] (+)= w[r, :] · x[t, :] + bias[r] for <see cref="Tokens"/> rows of x.</summary>
internal struct MatMulShape
{
    public int Rows;
    public int Cols;
    public int Tokens;
    public int HasBias;
    public int Accumulate;
}

/// <summary>Rows of length <see cref="N"/>: row i starts at (i / RowsPerToken)·TokenStride + Offset + (i % RowsPerToken)·N, so heads inside a fused QKV row are rows too.</summary>
internal struct RowLayout
{
    public int N;
    public int RowsPerToken;
    public int TokenStride;
    public int Offset;
    public float Eps;
}

internal struct RopeShape
{
    public int Heads;
    public int HeadDim;
    public int Pairs;
    public int Stride;
    public int HalfSplit;
}

/// <summary>Where a token's K and V go: pool offset ((block·Layers + Layer)·BlockSize + slot)·KvDim.</summary>
internal struct CacheShape
{
    public int Heads;
    public int GroupSize;
    public int HeadDim;
    public int QDim;
    public int KvDim;
    public int Stride;
    public int Layer;
    public int Layers;
    public int BlockSize;
    public float Scale;
}
