using Dynamo.Backends.Llama.Model;
using ILGPU;
using ILGPU.Runtime;

namespace Dynamo.Backends.Llama.Kernels.Gpu;

/// <summary>One transformer block on the device, with Q, K, V stacked into one matrix and gate and up into another, so each is one product.</summary>
internal sealed class GpuLayer : IDisposable
{
    private readonly List<MemoryBuffer> _vectors = [];

    public ArrayView<float> AttnNorm { get; }

    public GpuMatrix Qkv { get; }

    /// <summary>Q, K and V biases stacked; empty where the architecture has none.</summary>
    public ArrayView<float> QkvBias { get; }

    public ArrayView<float> QNorm { get; }

    public ArrayView<float> KNorm { get; }

    public GpuMatrix Wo { get; }

    public ArrayView<float> FfnNorm { get; }

    public GpuMatrix GateUp { get; }

    public GpuMatrix Down { get; }

    public GpuLayer(Accelerator accelerator, LayerWeights w)
    {
        ArrayView<float> Upload(float[]? values)
        {
            if (values is null)
                return default;
            var buffer = accelerator.Allocate1D(values);
            _vectors.Add(buffer);
            return buffer.View;
        }
        AttnNorm = Upload(w.AttnNorm);
        Qkv = new GpuMatrix(accelerator, w.Wq, w.Wk, w.Wv);
        QkvBias = Upload(w.Bq is null ? null : [.. w.Bq, .. w.Bk!, .. w.Bv!]);
        QNorm = Upload(w.QNorm);
        KNorm = Upload(w.KNorm);
        Wo = new GpuMatrix(accelerator, w.Wo);
        FfnNorm = Upload(w.FfnNorm);
        GateUp = new GpuMatrix(accelerator, w.WGate, w.WUp);
        Down = new GpuMatrix(accelerator, w.WDown);
    }

    public long Bytes => Qkv.Bytes + Wo.Bytes + GateUp.Bytes + Down.Bytes + _vectors.Sum(v => v.LengthInBytes);

    public void Dispose()
    {
        foreach (var m in new[] { Qkv, Wo, GateUp, Down })
            m.Dispose();
        foreach (var v in _vectors)
            v.Dispose();
    }
}
