using ILGPU;
using ILGPU.Runtime;

namespace Dynamo.Backends.Llama.Kernels.Gpu;

internal sealed class GpuKvStorage(Accelerator accelerator, long length) : IKvStorage, IDisposable
{
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _keys = accelerator.Allocate1D<float>(length);
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _values = accelerator.Allocate1D<float>(length);

    public ArrayView<float> Keys => _keys.View;

    public ArrayView<float> Values => _values.View;

    public void Dispose()
    {
        _keys.Dispose();
        _values.Dispose();
    }
}
