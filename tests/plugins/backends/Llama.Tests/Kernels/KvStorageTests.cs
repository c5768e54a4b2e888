using Dynamo.Backends.Llama.Kernels;
using Dynamo.Backends.Llama.Kernels.Gpu;

namespace Dynamo.Backends.Llama.Tests.Kernels;

/// <summary>A block's K and V copied out of either storage (for offload) and back (onboarding) arrive unchanged and land where they belong.</summary>
public sealed class KvStorageTests(EmulatedGpu gpu) : IClassFixture<EmulatedGpu>
{
    public static TheoryData<string> Storages => ["host", "gpu"];

    [Theory]
    [MemberData(nameof(Storages))]
    public void A_block_round_trips_through_the_host_and_touches_nothing_else(string kind)
    {
        const int length = 1000, start = 300, block = 200;
        IKvStorage storage = kind == "host" ? new HostKvStorage(length) : new GpuKvStorage(gpu.Device.Accelerator, length);
        var random = new Random(7);
        var (keys, values) = (new float[block], new float[block]);
        for (var i = 0; i < block; i++)
            (keys[i], values[i]) = ((float)random.NextDouble() - 0.5f, (float)random.NextDouble() + 1f);

        // Device memory starts undefined: fill it all with a sentinel first.
        storage.Write(0, Enumerable.Repeat(9f, length).ToArray(), Enumerable.Repeat(9f, length).ToArray());
        storage.Write(start, keys, values);
        var (outKeys, outValues) = (new float[block], new float[block]);
        storage.Read(start, outKeys, outValues);
        var (before, after) = (new float[start], new float[block]);
        storage.Read(0, before, new float[start]);
        storage.Read(start + block, after, new float[block]);

        Assert.Equal(keys, outKeys);
        Assert.Equal(values, outValues);
        Assert.All(before.Concat(after), v => Assert.Equal(9f, v));
        (storage as IDisposable)?.Dispose();
    }
}
