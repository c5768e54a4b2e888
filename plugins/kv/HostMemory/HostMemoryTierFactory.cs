using System.Globalization;
using Dynamo.Abstractions.KvCache;
using Dynamo.Abstractions.Plugins;

namespace Dynamo.Kv.HostMemory;

/// <summary><c>{ "Name": "host-memory", "CpuCacheGb": 4 }</c>: evicted device blocks kept in host memory (Dynamo's G2).</summary>
internal sealed class HostMemoryTierFactory : IComponentFactory<IKvOffloadTier>
{
    public string Name => "host-memory";

    public IKvOffloadTier Create(ComponentContext context)
    {
        var gb = context.Options["CpuCacheGb"] is { } text ? double.Parse(text, CultureInfo.InvariantCulture) : 1.0;
        if (!(gb > 0))
            throw new ArgumentException($"CpuCacheGb must be positive, got {gb}.");
        return new HostMemoryTier((long)(gb * 1024 * 1024 * 1024));
    }
}
