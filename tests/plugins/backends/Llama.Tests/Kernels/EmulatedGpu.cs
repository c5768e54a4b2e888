using Dynamo.Backends.Llama.Kernels.Gpu;

namespace Dynamo.Backends.Llama.Tests.Kernels;

/// <summary>ILGPU's CPU emulator with the kernels compiled once, shared by a test class: the GPU kernels checked for correctness where there is no GPU.</summary>
public sealed class EmulatedGpu : IDisposable
{
    internal GpuDevice Device { get; } = GpuDevice.Open("ilgpu-cpu")!;

    internal GpuKernels Kernels => _kernels ??= new GpuKernels(Device.Accelerator);

    private GpuKernels? _kernels;

    public void Dispose() => Device.Dispose();
}
