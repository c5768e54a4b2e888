using ILGPU;
using ILGPU.Runtime;

namespace Dynamo.Backends.Llama.Kernels.Gpu;

internal sealed class GpuKvStorage(Accelerator accelerator, long length) : IKvStorage, IDisposable
{
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _keys = accelerator.Allocate1D<float>(length);
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _values = accelerator.Allocate1D<float>(length);

    public ArrayView<float> Keys => _keys.View;

    public ArrayView<float> Values => _values.View;

    public void Read(long start, Span<float> keys, Span<float> values)
    {
        Keys.SubView(start, keys.Length).CopyToCPU(keys);
        Values.SubView(start, values.Length).CopyToCPU(values);
    }

    public void Write(long start, ReadOnlySpan<float> keys, ReadOnlySpan<float> values)
    {
        Keys.SubView(start, keys.Length).CopyFromCPU(keys);
        Values.SubView(start, values.Length).CopyFromCPU(values);
    }

    public void Dispose()
    {
        _keys.Dispose();
        _values.Dispose();
    }
}
