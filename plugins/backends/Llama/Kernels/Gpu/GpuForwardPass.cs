using Dynamo.Backends.Llama.Model;
using ILGPU;
using ILGPU.Runtime;

namespace Dynamo.Backends.Llama.Kernels.Gpu;

/// <summary>
/// The forward pass on an ILGPU accelerator. Weights, KV blocks and activations live in device
/// memory; per batch the host uploads only the embeddings, positions, block tables and rotation
/// angles, and reads back only the logits it wants. Embedding rows are looked up on the host,
/// where the file's matrix already is.
/// </summary>
internal sealed class GpuForwardPass : IForwardPass
{
    private readonly LlamaConfig _c;
    private readonly LlamaWeights _weights;
    private readonly GpuDevice _device;
    private readonly GpuKernels _kernels;
    private readonly GpuLayer[] _layers;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _outputNorm;
    private readonly GpuMatrix _output;
    private readonly float[] _inverseFrequencies;
    private readonly List<IDisposable> _owned = [];

    public GpuForwardPass(LlamaConfig config, LlamaWeights weights, GpuDevice device)
    {
        (_c, _weights, _device) = (config, weights, device);
        var accelerator = device.Accelerator;
        _kernels = new GpuKernels(accelerator);
        if (config.HeadDim > _kernels.MaxHeadDim)
            throw new NotSupportedException($"Heads of {config.HeadDim} dimensions are wider than the GPU attention kernel takes on {accelerator.Name} ({_kernels.MaxHeadDim}).");
        _layers = weights.Layers.Select(l => new GpuLayer(accelerator, l)).ToArray();
        _outputNorm = accelerator.Allocate1D(weights.OutputNorm);
        _output = new GpuMatrix(accelerator, weights.Output);
        _inverseFrequencies = CpuKernels.RopeInverseFrequencies(config.RopeDim, config.RopeBase);
    }

    public string Device => _device.IsEmulated
        ? "ILGPU CPU emulator (for checking the GPU kernels, not for speed)"
        : $"CUDA {_device.Accelerator.Name}, {WeightBytes / 1e6:F0} MB of weights on the device";

    /// <summary>Device bytes of weights one decode step reads.</summary>
    public long WeightBytes => _layers.Sum(l => l.Bytes) + _output.Bytes + _outputNorm.LengthInBytes;

    public IKvStorage CreateKvStorage(int blocks, int blockSize)
    {
        var storage = new GpuKvStorage(_device.Accelerator, (long)blocks * _c.Layers * blockSize * _c.KvDim);
        _owned.Add(storage);
        return storage;
    }

    public ForwardScratch NewScratch(int maxTokens, int maxLogits)
    {
        var scratch = new GpuScratch(_device.Accelerator, _c, maxTokens, maxLogits);
        _owned.Add(scratch);
        return scratch;
    }

    public void Forward(ReadOnlySpan<BatchItem> items, ForwardScratch scratch)
    {
        var (c, s, n, k) = (_c, (GpuScratch)scratch, items.Length, _kernels);
        var pool = items[0].Sequence.Pool;
        foreach (var item in items)
            if (item.Sequence.Pool != pool)
                throw new ArgumentException("The sequences of a batch must share one block pool.");
        var storage = (GpuKvStorage)pool.Storage;
        var wanted = Stage(items, s);
        var tables = s.UploadTables();
        s.X.View.AsContiguous().Upload<float>(s.HostX.AsSpan(0, n * c.Dim));
        s.CosSin.View.AsContiguous().Upload<float>(s.HostCosSin.AsSpan(0, n * c.RopeDim));
        s.TokenInfo.View.AsContiguous().Upload<int>(s.HostTokenInfo.AsSpan(0, 2 * n));

        var stride = c.QDim + 2 * c.KvDim;
        var rows = new RowLayout { N = c.Dim, RowsPerToken = 1, TokenStride = c.Dim, Eps = c.RmsEps };
        var rope = new RopeShape { Heads = c.Heads + c.KvHeads, HeadDim = c.HeadDim, Pairs = c.RopeDim / 2, Stride = stride, HalfSplit = c.Rope == RopeStyle.HalfSplit ? 1 : 0 };
        var cache = new CacheShape
        {
            Heads = c.Heads, GroupSize = c.Heads / c.KvHeads, HeadDim = c.HeadDim, QDim = c.QDim, KvDim = c.KvDim,
            Stride = stride, Layers = c.Layers, BlockSize = pool.BlockSize, Scale = 1f / MathF.Sqrt(c.HeadDim),
        };
        var info = s.TokenInfo.View;
        for (var l = 0; l < c.Layers; l++)
        {
            var w = _layers[l];
            cache.Layer = l;
            k.RmsNorm(s.X.View, s.Normed.View, w.AttnNorm, n, rows);
            k.MatMul(w.Qkv, s.Normed.View, s.Qkv.View, n, w.QkvBias, accumulate: false);
            if (w.QNorm.Length > 0)
            {
                var heads = new RowLayout { N = c.HeadDim, RowsPerToken = c.Heads, TokenStride = stride, Eps = c.RmsEps };
                k.RmsNorm(s.Qkv.View, s.Qkv.View, w.QNorm, n * c.Heads, heads);
                heads.RowsPerToken = c.KvHeads;
                heads.Offset = c.QDim;
                k.RmsNorm(s.Qkv.View, s.Qkv.View, w.KNorm, n * c.KvHeads, heads);
            }
            k.Rope(s.Qkv.View, s.CosSin.View, n, rope);
            k.StoreKv(s.Qkv.View, storage.Keys, storage.Values, info, tables, n, cache);
            k.Attention(s.Qkv.View, storage.Keys, storage.Values, info, tables, s.Attention.View, n, cache);
            k.MatMul(w.Wo, s.Attention.View, s.X.View, n, default, accumulate: true);

            k.RmsNorm(s.X.View, s.Normed.View, w.FfnNorm, n, rows);
            k.MatMul(w.GateUp, s.Normed.View, s.GateUp.View, n, default, accumulate: false);
            k.SwiGlu(s.GateUp.View, s.Activated.View, n, c.FfnDim);
            k.MatMul(w.Down, s.Activated.View, s.X.View, n, default, accumulate: true);
        }
        if (wanted == 0)
        {
            k.Synchronize();
            return;
        }
        s.LogitRows.View.AsContiguous().Upload<int>(s.HostLogitRows.AsSpan(0, wanted));
        k.GatherRows(s.X.View, s.LogitsIn.View, s.LogitRows.View, wanted, c.Dim);
        k.RmsNorm(s.LogitsIn.View, s.LogitsIn.View, _outputNorm.View, wanted, rows);
        k.MatMul(_output, s.LogitsIn.View, s.Logits.View, wanted, default, accumulate: false);
        if (StageMasks(items, s))
        {
            s.Masks.View.AsContiguous().Upload<ulong>(s.HostMasks.AsSpan(0, wanted * s.MaskWords));
            k.MaskLogits(s.Logits.View, s.Masks.View, wanted, c.VocabSize);
        }
        s.Logits.View.AsContiguous().Download(s.HostLogits.AsSpan(0, wanted * c.VocabSize));
        var next = 0;
        foreach (var item in items)
            if (item.WantLogits)
                s.HostLogits.AsSpan(next++ * c.VocabSize, c.VocabSize).CopyTo(item.Sequence.Logits);
    }

    /// <summary>Fills the host side of the batch: embeddings, rotations, positions and block tables; returns how many logits are wanted.</summary>
    private int Stage(ReadOnlySpan<BatchItem> items, GpuScratch s)
    {
        var c = _c;
        var pairs = c.RopeDim / 2;
        s.HostTables.Clear();
        s.TableStarts.Clear();
        var wanted = 0;
        for (var t = 0; t < items.Length; t++)
        {
            var item = items[t];
            var embedding = s.HostX.AsSpan(t * c.Dim, c.Dim);
            _weights.Embedding.Row(item.Token, embedding).CopyTo(embedding);
            for (var i = 0; i < pairs; i++)
            {
                var (sin, cos) = MathF.SinCos(item.Position * _inverseFrequencies[i]);
                s.HostCosSin[(t * pairs + i) * 2] = cos;
                s.HostCosSin[(t * pairs + i) * 2 + 1] = sin;
            }
            if (!s.TableStarts.TryGetValue(item.Sequence, out var start))
            {
                start = s.HostTables.Count;
                s.TableStarts.Add(item.Sequence, start);
                s.HostTables.AddRange(item.Sequence.Blocks);
            }
            s.HostTokenInfo[2 * t] = item.Position;
            s.HostTokenInfo[2 * t + 1] = start;
            if (item.WantLogits)
                s.HostLogitRows[wanted++] = t;
        }
        return wanted;
    }

    /// <summary>The wanted rows' masks, one after another (all ones for a row without one); false when no row has a mask.</summary>
    private static bool StageMasks(ReadOnlySpan<BatchItem> items, GpuScratch s)
    {
        var any = false;
        var row = 0;
        foreach (var item in items)
        {
            if (!item.WantLogits)
                continue;
            var target = s.HostMasks.AsSpan(row++ * s.MaskWords, s.MaskWords);
            if (item.Mask is { } mask)
            {
                mask.AsSpan(0, s.MaskWords).CopyTo(target);
                any = true;
            }
            else
            {
                target.Fill(ulong.MaxValue);
            }
        }
        return any;
    }

    public void Dispose()
    {
        foreach (var owned in _owned)
            owned.Dispose();
        foreach (var layer in _layers)
            layer.Dispose();
        _outputNorm.Dispose();
        _output.Dispose();
        _device.Dispose();
    }
}
