using System.Runtime.InteropServices;
using Dynamo.Backends.Llama.Gguf;
using Dynamo.Backends.Llama.Model;
using ILGPU;
using ILGPU.Runtime;

namespace Dynamo.Backends.Llama.Kernels.Gpu;

internal enum GpuMatrixFormat
{
    F32,
    F16,
    Q8,
}

/// <summary>
/// A weight matrix in device memory, possibly several stacked (Q, K and V as one QKV matrix):
/// F32 and Q8_0 stay as they are (Q8_0 repacked for aligned reads); every other type is held as
/// F16, which the products read at half the bytes of F32.
/// </summary>
internal sealed class GpuMatrix : IDisposable
{
    // Rows staged on the host per copy, so no whole matrix is ever expanded in host memory.
    private const int StagingElements = 1 << 22;

    private readonly MemoryBuffer? _buffer;
    private readonly MemoryBuffer? _scales;

    public GpuMatrixFormat Format { get; }

    public int Rows { get; }

    public int Cols { get; }

    public ArrayView<float> Floats { get; }

    public ArrayView<ushort> Halves { get; }

    public ArrayView<sbyte> Quants { get; }

    public ArrayView<float> Scales { get; }

    /// <summary>Device bytes one pass over the matrix reads.</summary>
    public long Bytes => (_buffer?.LengthInBytes ?? 0) + (_scales?.LengthInBytes ?? 0);

    public GpuMatrix(Accelerator accelerator, params WeightMatrix[] parts)
    {
        Cols = parts[0].Cols;
        if (parts.Any(p => p.Cols != Cols))
            throw new ArgumentException("Stacked matrices must have the same number of columns.");
        Rows = parts.Sum(p => p.Rows);
        if (Cols % 4 != 0)
            throw new NotSupportedException($"The GPU products read weights four at a time; a matrix of {Cols} columns does not divide.");
        Format = parts.All(p => p.Type == GgmlType.F32) ? GpuMatrixFormat.F32
            : parts.All(p => p.Type == GgmlType.Q8_0) ? GpuMatrixFormat.Q8
            : GpuMatrixFormat.F16;
        var elements = (long)Rows * Cols;
        switch (Format)
        {
            case GpuMatrixFormat.F32:
                var floats = accelerator.Allocate1D<float>(elements);
                (_buffer, Floats) = (floats, floats.View);
                Stage<float>(parts, floats.View, (m, r, row) => m.Row(r, default).CopyTo(row));
                break;
            case GpuMatrixFormat.F16:
                var halves = accelerator.Allocate1D<ushort>(elements);
                (_buffer, Halves) = (halves, halves.View);
                var decoded = new float[Cols];
                Stage<ushort>(parts, halves.View, (m, r, row) =>
                {
                    if (m.Type == GgmlType.F16)
                        MemoryMarshal.Cast<byte, ushort>(m.PackedRow(r, default)).CopyTo(row);
                    else
                    {
                        var values = m.Row(r, decoded);
                        for (var c = 0; c < row.Length; c++)
                            row[c] = BitConverter.HalfToUInt16Bits((System.Half)values[c]);
                    }
                });
                break;
            default:
                var quants = accelerator.Allocate1D<sbyte>(elements);
                var scales = accelerator.Allocate1D<float>(elements / 32);
                (_buffer, Quants, _scales, Scales) = (quants, quants.View, scales, scales.View);
                var ggml = new byte[parts.Max(m => m.RowBytes)];
                Stage<sbyte>(parts, quants.View, (m, r, row) =>
                {
                    var packed = m.PackedRow(r, ggml);
                    for (var b = 0; b < Cols / 32; b++)
                        MemoryMarshal.Cast<byte, sbyte>(packed.Slice(b * 34 + 2, 32)).CopyTo(row.Slice(b * 32, 32));
                });
                Stage<float>(parts, scales.View, (m, r, row) =>
                {
                    var packed = m.PackedRow(r, ggml);
                    for (var b = 0; b < row.Length; b++)
                        row[b] = (float)BitConverter.UInt16BitsToHalf(MemoryMarshal.Read<ushort>(packed.Slice(b * 34, 2)));
                }, Cols / 32);
                break;
        }
    }

    private delegate void RowWriter<T>(WeightMatrix matrix, int row, Span<T> target);

    /// <summary>Writes every row of the stacked parts through a bounded host buffer into <paramref name="target"/>.</summary>
    private void Stage<T>(WeightMatrix[] parts, ArrayView1D<T, Stride1D.Dense> target, RowWriter<T> write, int? width = null)
        where T : unmanaged
    {
        var rowLength = width ?? Cols;
        var rowsPerCopy = Math.Max(1, StagingElements / rowLength);
        var staging = new T[Math.Min(Rows, rowsPerCopy) * rowLength];
        long written = 0;
        var pending = 0;
        void Flush()
        {
            target.AsContiguous().SubView(written).Upload<T>(staging.AsSpan(0, pending * rowLength));
            written += (long)pending * rowLength;
            pending = 0;
        }
        foreach (var part in parts)
            for (var r = 0; r < part.Rows; r++)
            {
                write(part, r, staging.AsSpan(pending * rowLength, rowLength));
                if (++pending == rowsPerCopy)
                    Flush();
            }
        if (pending > 0)
            Flush();
    }

    public void Dispose()
    {
        _buffer?.Dispose();
        _scales?.Dispose();
    }
}
