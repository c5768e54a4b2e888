using System.Globalization;
using Dynamo.Abstractions.KvCache;
using Dynamo.Abstractions.Plugins;

namespace Dynamo.Kv.Disk;

/// <summary>
/// <c>{ "Name": "disk", "Folder": "/var/cache/dynamo-kv", "DiskCacheGb": 32, "MinOffers": 2, "Persist": true }</c>:
/// evicted blocks as files (Dynamo's G3). Each worker gets its own subfolder (by worker id).
/// </summary>
internal sealed class DiskTierFactory : IComponentFactory<IKvOffloadTier>
{
    public string Name => "disk";

    public IKvOffloadTier Create(ComponentContext context)
    {
        var options = context.Options;
        var folder = options["Folder"] ?? Path.Combine(Path.GetTempPath(), "dynamo-kv");
        var gb = options["DiskCacheGb"] is { } text ? double.Parse(text, CultureInfo.InvariantCulture) : 8.0;
        var minOffers = options["MinOffers"] is { } offers ? int.Parse(offers, CultureInfo.InvariantCulture) : 1;
        if (!(gb > 0) || minOffers < 1)
            throw new ArgumentException($"DiskCacheGb must be positive and MinOffers at least 1 (got {gb} and {minOffers}).");
        var worker = new string((context.WorkerId ?? context.ModelName).Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray());
        return new DiskTier(Path.Combine(folder, worker), (long)(gb * 1024 * 1024 * 1024), minOffers, persist: options["Persist"] is "true" or "True");
    }
}
