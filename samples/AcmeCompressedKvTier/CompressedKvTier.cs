using System.IO.Compression;
using Dynamo.Abstractions.KvCache;

namespace Acme.CompressedKvTier;

/// <summary>
/// Acme's tier: evicted KV blocks kept in memory Brotli-compressed, at most <c>MaxBlocks</c> of them,
/// oldest out first. Written against the contracts only, as any third-party tier would be.
/// </summary>
public sealed class CompressedKvTier(int maxBlocks) : IKvOffloadTier
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ulong, (KvBlockPayload Block, byte[] Compressed)> _blocks = [];
    private readonly Queue<ulong> _order = new();
    private long _eventId;

    public KvStorageTier Tier => KvStorageTier.HostMemory;

    public event Action<KvCacheEvent>? KvEventPublished;

    public bool Contains(ulong sequenceHash)
    {
        lock (_lock)
            return _blocks.ContainsKey(sequenceHash);
    }

    public ValueTask<IReadOnlyList<KvBlockPayload>> OfferAsync(KvBlockPayload block, CancellationToken cancellationToken)
    {
        var compressed = Compress(block.Data.Span);
        var evicted = new List<KvBlockPayload>();
        lock (_lock)
        {
            if (!_blocks.TryAdd(block.Hash.SequenceHash, (block with { Data = ReadOnlyMemory<byte>.Empty }, compressed)))
                return ValueTask.FromResult<IReadOnlyList<KvBlockPayload>>([]);
            _order.Enqueue(block.Hash.SequenceHash);
            while (_order.Count > maxBlocks && _blocks.Remove(_order.Dequeue(), out var old))
                evicted.Add(old.Block with { Data = Decompress(old.Compressed) });
        }
        if (evicted.Count > 0)
            KvEventPublished?.Invoke(new KvBlocksRemoved(Interlocked.Increment(ref _eventId), Tier, [.. evicted.Select(e => e.Hash.SequenceHash)]));
        KvEventPublished?.Invoke(new KvBlocksStored(Interlocked.Increment(ref _eventId), Tier, block.ParentSequenceHash, [block.Hash]));
        return ValueTask.FromResult<IReadOnlyList<KvBlockPayload>>(evicted);
    }

    public ValueTask<KvBlockPayload?> TryFetchAsync(ulong sequenceHash, CancellationToken cancellationToken)
    {
        lock (_lock)
            return ValueTask.FromResult(_blocks.TryGetValue(sequenceHash, out var held)
                ? held.Block with { Data = Decompress(held.Compressed) }
                : null);
    }

    private static byte[] Compress(ReadOnlySpan<byte> data)
    {
        using var output = new MemoryStream();
        using (var brotli = new BrotliStream(output, CompressionLevel.Fastest))
            brotli.Write(data);
        return output.ToArray();
    }

    private static byte[] Decompress(byte[] compressed)
    {
        using var output = new MemoryStream();
        using (var brotli = new BrotliStream(new MemoryStream(compressed), CompressionMode.Decompress))
            brotli.CopyTo(output);
        return output.ToArray();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
