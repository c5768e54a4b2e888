using Dynamo.Abstractions.KvCache;
using Dynamo.Abstractions.Plugins;

namespace Acme.CompressedKvTier;

/// <summary><c>"KvTiers": [ { "Name": "acme-compressed", "MaxBlocks": 4096 } ]</c>.</summary>
public sealed class CompressedKvTierFactory : IComponentFactory<IKvOffloadTier>
{
    public string Name => "acme-compressed";

    public IKvOffloadTier Create(ComponentContext context) =>
        new CompressedKvTier(int.TryParse(context.Options["MaxBlocks"], out var max) && max > 0 ? max : 4096);
}
