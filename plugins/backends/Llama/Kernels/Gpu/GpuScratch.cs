using Dynamo.Backends.Llama.Model;
using ILGPU;
using ILGPU.Runtime;

namespace Dynamo.Backends.Llama.Kernels.Gpu;

/// <summary>
/// The GPU pass's activations in device memory, and the host buffers a batch is staged in
/// (embeddings, positions, block tables, rotations in; logits out).
/// </summary>
internal sealed class GpuScratch : ForwardScratch, IDisposable
{
    private readonly Accelerator _accelerator;
    private readonly List<MemoryBuffer> _buffers = [];
    private MemoryBuffer1D<int, Stride1D.Dense> _tables;

    public GpuScratch(Accelerator accelerator, LlamaConfig c, int maxTokens, int maxLogits) : base(maxTokens, maxLogits)
    {
        _accelerator = accelerator;
        MemoryBuffer1D<T, Stride1D.Dense> Device<T>(long length) where T : unmanaged
        {
            var buffer = accelerator.Allocate1D<T>(Math.Max(1, length));
            _buffers.Add(buffer);
            return buffer;
        }
        X = Device<float>(maxTokens * c.Dim);
        Normed = Device<float>(maxTokens * c.Dim);
        Qkv = Device<float>(maxTokens * (c.QDim + 2 * c.KvDim));
        Attention = Device<float>(maxTokens * c.QDim);
        GateUp = Device<float>(maxTokens * 2L * c.FfnDim);
        Activated = Device<float>(maxTokens * c.FfnDim);
        CosSin = Device<float>(maxTokens * c.RopeDim);
        TokenInfo = Device<int>(2 * maxTokens);
        LogitRows = Device<int>(maxLogits);
        LogitsIn = Device<float>(maxLogits * c.Dim);
        Logits = Device<float>(maxLogits * c.VocabSize);
        MaskWords = (c.VocabSize + 63) / 64;
        Masks = Device<ulong>(maxLogits * MaskWords);
        _tables = accelerator.Allocate1D<int>(256);
        HostX = new float[maxTokens * c.Dim];
        HostCosSin = new float[maxTokens * c.RopeDim];
        HostTokenInfo = new int[2 * maxTokens];
        HostLogitRows = new int[maxLogits];
        HostLogits = new float[maxLogits * c.VocabSize];
        HostMasks = new ulong[maxLogits * MaskWords];
    }

    public MemoryBuffer1D<float, Stride1D.Dense> X { get; }
    public MemoryBuffer1D<float, Stride1D.Dense> Normed { get; }
    public MemoryBuffer1D<float, Stride1D.Dense> Qkv { get; }
    public MemoryBuffer1D<float, Stride1D.Dense> Attention { get; }
    public MemoryBuffer1D<float, Stride1D.Dense> GateUp { get; }
    public MemoryBuffer1D<float, Stride1D.Dense> Activated { get; }
    public MemoryBuffer1D<float, Stride1D.Dense> CosSin { get; }
    public MemoryBuffer1D<int, Stride1D.Dense> TokenInfo { get; }
    public MemoryBuffer1D<int, Stride1D.Dense> LogitRows { get; }
    public MemoryBuffer1D<float, Stride1D.Dense> LogitsIn { get; }
    public MemoryBuffer1D<float, Stride1D.Dense> Logits { get; }

    /// <summary>Per wanted row, the tokens allowed next (all, for a row without a mask).</summary>
    public MemoryBuffer1D<ulong, Stride1D.Dense> Masks { get; }

    public int MaskWords { get; }

    public float[] HostX { get; }
    public float[] HostCosSin { get; }
    public int[] HostTokenInfo { get; }
    public int[] HostLogitRows { get; }
    public float[] HostLogits { get; }
    public ulong[] HostMasks { get; }

    /// <summary>The block tables of the batch's sequences, one after another.</summary>
    public List<int> HostTables { get; } = [];

    /// <summary>Where each sequence's table starts in <see cref="HostTables"/>.</summary>
    public Dictionary<SequenceState, int> TableStarts { get; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>The device copy of <see cref="HostTables"/>, grown when a batch needs more.</summary>
    public ArrayView<int> UploadTables()
    {
        if (_tables.Length < HostTables.Count)
        {
            _tables.Dispose();
            _tables = _accelerator.Allocate1D<int>(HostTables.Count * 2L);
        }
        _tables.View.AsContiguous().Upload<int>(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(HostTables));
        return _tables.View;
    }

    public void Dispose()
    {
        foreach (var buffer in _buffers)
            buffer.Dispose();
        _tables.Dispose();
    }
}
