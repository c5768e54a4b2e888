using Dynamo.Backends.Llama.Kernels.Gpu;

namespace Dynamo.Backends.Llama.Tests.Kernels;

public sealed class GpuDeviceTests
{
    [Fact]
    public void CpuMeansNoAcceleratorAndUnknownNamesAreRefusedWithTheChoices()
    {
        Assert.Null(GpuDevice.Open("cpu"));
        var error = Assert.Throws<ArgumentException>(() => GpuDevice.Open("tpu"));
        Assert.Contains("auto, cpu or cuda", error.Message);
    }

    [Fact]
    public void AutoFallsBackToTheCpuWithoutAGpuAndCudaSaysWhy()
    {
        using var auto = GpuDevice.Open("auto");
        if (auto is not null)
        {
            Assert.False(auto.IsEmulated); // a machine with a GPU: auto took it
            return;
        }
        var error = Assert.Throws<InvalidOperationException>(() => GpuDevice.Open("cuda"));
        Assert.Contains("'cuda' was asked for", error.Message);
    }
}
