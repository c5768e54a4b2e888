namespace Dynamo.Backends.Llama.Gguf;

/// <summary>How each ggml type packs elements: a block of <c>BlockElements</c> values takes <c>BlockBytes</c>.</summary>
internal static class GgmlTypeInfo
{
    public static (int BlockElements, int BlockBytes) Layout(GgmlType type) => type switch
    {
        GgmlType.F32 => (1, 4),
        GgmlType.F16 or GgmlType.BF16 => (1, 2),
        GgmlType.Q4_0 => (32, 18),
        GgmlType.Q4_1 => (32, 20),
        GgmlType.Q5_0 => (32, 22),
        GgmlType.Q5_1 => (32, 24),
        GgmlType.Q8_0 => (32, 34),
        GgmlType.Q8_1 => (32, 36),
        GgmlType.Q2_K => (256, 84),
        GgmlType.Q3_K => (256, 110),
        GgmlType.Q4_K => (256, 144),
        GgmlType.Q5_K => (256, 176),
        GgmlType.Q6_K => (256, 210),
        GgmlType.Q8_K => (256, 292),
        _ => (0, 0),
    };

    public static bool IsKnown(GgmlType type) => Layout(type).BlockElements > 0;

    /// <summary>Bytes of <paramref name="elements"/> values (a whole number of blocks).</summary>
    public static long ByteSize(GgmlType type, long elements)
    {
        var (blockElements, blockBytes) = Layout(type);
        return elements / blockElements * blockBytes;
    }
}
