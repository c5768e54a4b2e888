namespace Dynamo.Abstractions.KvCache;

/// <summary>Where a KV block lives (Dynamo's G1/G2/G3).</summary>
public enum KvStorageTier
{
    Device,
    HostMemory,
    Disk,
}
