using ILGPU;
using ILGPU.Runtime;

namespace Dynamo.Backends.Llama.Kernels.Gpu;

/// <summary>Copies between host spans and the start of a device view, on the accelerator's default stream (ordered with the kernels).</summary>
internal static class DeviceCopy
{
    public static void Upload<T>(this ArrayView<T> target, ReadOnlySpan<T> source) where T : unmanaged =>
        target.SubView(0, source.Length).CopyFromCPU(source);

    public static void Download<T>(this ArrayView<T> source, Span<T> target) where T : unmanaged =>
        source.SubView(0, target.Length).CopyToCPU(target);
}
