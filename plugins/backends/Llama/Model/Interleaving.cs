using Dynamo.Backends.Llama.Gguf;

namespace Dynamo.Backends.Llama.Model;

/// <summary>
/// Which quantized matrices the CPU holds eight rows interleaved (<see cref="Q8_0x8"/>,
/// <see cref="Q4Kx8"/>, <see cref="Q6Kx8"/>): those whose rows come in eights. Rows are rebuilt in
/// ggml's layout where anything else needs them (decoding, the GPU upload).
/// </summary>
internal static class Interleaving
{
    public static bool Applies(GgmlType type, int rows, int cols) => rows % 8 == 0 && type switch
    {
        GgmlType.Q8_0 => cols % 32 == 0,
        GgmlType.Q4_K or GgmlType.Q6_K => cols % 256 == 0,
        _ => false,
    };

    public static byte[] Repack(GgmlType type, ReadOnlySpan<byte> ggml, int rows, int cols) => type switch
    {
        GgmlType.Q8_0 => Q8_0x8.Repack(ggml, rows, cols),
        GgmlType.Q4_K => Q4Kx8.Repack(ggml, rows, cols),
        GgmlType.Q6_K => Q6Kx8.Repack(ggml, rows, cols),
        _ => throw new ArgumentException($"{type} is not interleaved."),
    };

    public static ReadOnlySpan<byte> GgmlRow(GgmlType type, ReadOnlySpan<byte> data, int row, int cols, Span<byte> buffer) => type switch
    {
        GgmlType.Q8_0 => Q8_0x8.GgmlRow(data, row, cols, buffer),
        GgmlType.Q4_K => Q4Kx8.GgmlRow(data, row, cols, buffer),
        GgmlType.Q6_K => Q6Kx8.GgmlRow(data, row, cols, buffer),
        _ => throw new ArgumentException($"{type} is not interleaved."),
    };
}
