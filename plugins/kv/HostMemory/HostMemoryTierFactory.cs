using System.Globalization;
using Dynamo.Abstractions.KvCache;
using Dynamo.Abstractions.Plugins;

namespace Dynamo.Kv.HostMemory;

/// <summary>
/// <c>{ "Name": "host-memory", "CpuCacheGb": 4 }</c> or <c>{ "Name": "host-memory", "Blocks": 8192 }</c>:
/// evicted device blocks kept in host memory (Dynamo's G2).
/// </summary>
internal sealed class HostMemoryTierFactory : IComponentFactory<IKvOffloadTier>
{
    public string Name => "host-memory";

    public IKvOffloadTier Create(ComponentContext context)
    {
        var blocks = context.Options["Blocks"] is { } count ? int.Parse(count, CultureInfo.InvariantCulture) : int.MaxValue;
        // With only a block count, bytes are not the bound.
        var gb = context.Options["CpuCacheGb"] is { } text ? double.Parse(text, CultureInfo.InvariantCulture) : blocks < int.MaxValue ? 1024 : 1.0;
        if (!(gb > 0) || blocks < 1)
            throw new ArgumentException($"CpuCacheGb and Blocks must be positive (got {gb} and {blocks}).");
        return new HostMemoryTier((long)(gb * 1024 * 1024 * 1024), blocks);
    }
}
