using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace Dynamo.Backends.Llama.Kernels.Gpu;

/// <summary>An ILGPU context and the accelerator the forward pass runs on.</summary>
internal sealed class GpuDevice : IDisposable
{
    private readonly Context _context;

    public Accelerator Accelerator { get; }

    public bool IsEmulated => Accelerator.AcceleratorType == AcceleratorType.CPU;

    private GpuDevice(Context context, Accelerator accelerator) => (_context, Accelerator) = (context, accelerator);

    /// <summary>
    /// The accelerator <paramref name="device"/> names: <c>cuda</c> (the first CUDA GPU, or an
    /// error), <c>auto</c> (CUDA where present, else null for the CPU kernels), <c>cpu</c> (null),
    /// or <c>ilgpu-cpu</c> (ILGPU's CPU emulator: the GPU kernels checked without a GPU, slowly).
    /// </summary>
    public static GpuDevice? Open(string device)
    {
        switch (device.ToLowerInvariant())
        {
            case "cpu":
                return null;
            case "ilgpu-cpu":
                var emulator = Context.Create(b => b.CPU().EnableAlgorithms());
                return new GpuDevice(emulator, emulator.CreateCPUAccelerator(0));
            case "auto":
            case "cuda":
                var cuda = OpenCuda(out var why);
                if (cuda is null && device.Equals("cuda", StringComparison.OrdinalIgnoreCase))
                    throw new InvalidOperationException($"Device 'cuda' was asked for, but {why}. Use \"Device\": \"auto\" or \"cpu\" to run on the CPU.");
                return cuda;
            default:
                throw new ArgumentException($"Unknown Device '{device}': use auto, cpu or cuda (or ilgpu-cpu to check the GPU kernels on ILGPU's CPU emulator).");
        }
    }

    private static GpuDevice? OpenCuda(out string why)
    {
        Context? context = null;
        try
        {
            context = Context.Create(b => b.Cuda().EnableAlgorithms());
            if (context.GetCudaDevices().Count == 0)
            {
                why = "no CUDA device was found";
                context.Dispose();
                return null;
            }
            why = "";
            return new GpuDevice(context, context.CreateCudaAccelerator(0));
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or InvalidOperationException or NotSupportedException or CudaException)
        {
            why = $"CUDA could not be opened ({e.Message})";
            context?.Dispose();
            return null;
        }
    }

    public void Dispose()
    {
        Accelerator.Dispose();
        _context.Dispose();
    }
}
