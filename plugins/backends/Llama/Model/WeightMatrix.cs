using System.Runtime.InteropServices;
using Dynamo.Backends.Llama.Gguf;

namespace Dynamo.Backends.Llama.Model;

/// <summary>
/// A row-major weight matrix kept in its file type: F32 rows are used in place; 16-bit and
/// quantized rows are decoded one at a time into a small buffer when a product needs them, so a
/// Q8_0 model reads a quarter of the memory per token and no whole matrix is ever expanded.
/// Q8_0, Q4_K and Q6_K matrices are held interleaved (<see cref="Interleaving"/>) for the CPU's
/// integer products.
/// </summary>
internal sealed class WeightMatrix
{
    private readonly float[]? _floats;
    private readonly byte[]? _packed;

    public GgmlType Type { get; }

    public int Rows { get; }

    public int Cols { get; }

    /// <summary>Bytes per row in the file encoding.</summary>
    public int RowBytes { get; }

    /// <summary>The whole matrix in its file encoding (16-bit or quantized matrices only).</summary>
    public ReadOnlySpan<byte> Packed => _packed ?? throw new InvalidOperationException("F32 rows are not packed.");

    /// <summary>Rows <paramref name="from"/>..<paramref name="to"/> in place (F32 matrices only).</summary>
    public ReadOnlySpan<float> FloatRows(int from, int to) => _floats is null
        ? throw new InvalidOperationException("Packed rows must be decoded.")
        : _floats.AsSpan(from * Cols, (to - from) * Cols);

    /// <summary>Whether rows must be decoded (16-bit or quantized) rather than used in place.</summary>
    public bool IsPacked => _floats is null;

    /// <summary>Whether the matrix is held eight rows interleaved (<see cref="Interleaving"/>) rather than in ggml's layout.</summary>
    public bool Interleaved { get; }

    private WeightMatrix(GgmlType type, int rows, int cols, float[]? floats, byte[]? packed, bool interleaved = false)
    {
        (Type, Rows, Cols, _floats, _packed, Interleaved) = (type, rows, cols, floats, packed, interleaved);
        RowBytes = (int)GgmlTypeInfo.ByteSize(type, cols);
    }

    public static WeightMatrix Create(GgmlType type, ReadOnlySpan<byte> data, int rows, int cols) => type switch
    {
        GgmlType.F32 => new WeightMatrix(type, rows, cols, MemoryMarshal.Cast<byte, float>(data).ToArray(), null),
        _ when Interleaving.Applies(type, rows, cols) => new WeightMatrix(type, rows, cols, null, Interleaving.Repack(type, data, rows, cols), interleaved: true),
        _ => new WeightMatrix(type, rows, cols, null, data.ToArray()),
    };

    public static WeightMatrix FromFloats(float[] values, int rows, int cols) => new(GgmlType.F32, rows, cols, values, null);

    /// <summary>Row <paramref name="row"/> in its file encoding (16-bit or quantized matrices only), in place or rebuilt in <paramref name="buffer"/> (RowBytes long).</summary>
    public ReadOnlySpan<byte> PackedRow(int row, Span<byte> buffer) => _packed is null
        ? throw new InvalidOperationException("F32 rows are not packed.")
        : Interleaved ? Interleaving.GgmlRow(Type, _packed, row, Cols, buffer) : _packed.AsSpan(row * RowBytes, RowBytes);

    /// <summary>Row <paramref name="row"/> as F32: the stored row itself, or decoded into <paramref name="buffer"/> (at least Cols long).</summary>
    public ReadOnlySpan<float> Row(int row, Span<float> buffer)
    {
        if (_floats is not null)
            return _floats.AsSpan(row * Cols, Cols);
        var values = buffer[..Cols];
        GgmlDecoder.Decode(Type, Interleaved ? Interleaving.GgmlRow(Type, _packed, row, Cols, RowBuffer()) : _packed.AsSpan(row * RowBytes, RowBytes), values);
        return values;
    }

    [ThreadStatic]
    private static byte[]? _rowBuffer;

    private byte[] RowBuffer() => _rowBuffer is { } b && b.Length >= RowBytes ? b : _rowBuffer = new byte[RowBytes];
}
