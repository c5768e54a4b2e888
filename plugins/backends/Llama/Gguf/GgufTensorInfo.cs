namespace Dynamo.Backends.Llama.Gguf;

/// <summary>A tensor's entry in the GGUF table. <c>Dimensions[0]</c> is the innermost (row length), as in ggml.</summary>
internal sealed record GgufTensorInfo(string Name, long[] Dimensions, GgmlType Type, long Offset)
{
    public long Elements => Dimensions.Aggregate(1L, (a, b) => a * b);

    public long ByteSize => GgmlTypeInfo.ByteSize(Type, Elements);

    /// <summary>Rows of a matrix (everything but the innermost dimension).</summary>
    public long Rows => Elements / Dimensions[0];

    public long RowLength => Dimensions[0];
}
