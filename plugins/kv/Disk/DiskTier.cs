using Dynamo.Abstractions.KvCache;

namespace Dynamo.Kv.Disk;

/// <summary>
/// G3: KV blocks as checksummed files (<see cref="KvBlockFile"/>) under a folder, bounded by bytes,
/// evicted lowest priority first then least recently used. With <c>MinOffers</c> above 1 only
/// blocks offered that often reach the disk (the frequency filter: a block evicted twice is one
/// that keeps coming back). With <c>Persist</c> the files outlive the worker: the index is rebuilt
/// from them at start, and a file that fails its checksum is deleted, never served.
/// </summary>
internal sealed class DiskTier : IKvOffloadTier
{
    private const int MaxTrackedOffers = 1 << 16;
    private readonly string _folder;
    private readonly long _capacityBytes;
    private readonly int _minOffers;
    private readonly Lock _lock = new();
    private readonly Dictionary<ulong, (long Bytes, int Priority, KvBlockHash Hash)> _index = [];
    private readonly KvEvictionQueue<ulong> _order = new();
    private readonly Dictionary<ulong, int> _offers = [];
    private long _bytes;
    private long _eventId;

    public DiskTier(string folder, long capacityBytes, int minOffers, bool persist)
    {
        (_folder, _capacityBytes, _minOffers) = (folder, capacityBytes, minOffers);
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(folder, "*.kvb*").OrderBy(File.GetLastWriteTimeUtc))
        {
            if (persist && Path.GetExtension(file) == ".kvb" && KvBlockFile.Read(File.ReadAllBytes(file)) is { } block
                && Path.GetFileNameWithoutExtension(file) == Name(block.Hash.SequenceHash) && _bytes + new FileInfo(file).Length <= capacityBytes)
            {
                Track(block.Hash, new FileInfo(file).Length, block.Priority);
            }
            else
            {
                File.Delete(file);
            }
        }
    }

    public KvStorageTier Tier => KvStorageTier.Disk;

    private Action<KvCacheEvent>? _published;

    /// <summary>
    /// A new subscriber first hears what the tier already holds (blocks recovered from a previous
    /// run), so a router credits them before they are offered again.
    /// </summary>
    public event Action<KvCacheEvent>? KvEventPublished
    {
        add
        {
            List<KvBlockHash> held;
            lock (_lock)
            {
                _published += value;
                held = [.. _index.Values.Select(v => v.Hash)];
            }
            if (held.Count > 0 && value is not null)
                value(new KvBlocksStored(Interlocked.Increment(ref _eventId), Tier, null, held));
        }
        remove
        {
            lock (_lock)
                _published -= value;
        }
    }

    /// <summary>Blocks the index holds (recovered ones included).</summary>
    public int Count
    {
        get { lock (_lock) return _index.Count; }
    }

    private static string Name(ulong hash) => hash.ToString("x16");

    private string PathOf(ulong hash) => Path.Combine(_folder, Name(hash) + ".kvb");

    private void Track(KvBlockHash hash, long bytes, int priority)
    {
        _index[hash.SequenceHash] = (bytes, priority, hash);
        _order.Add(hash.SequenceHash, priority);
        _bytes += bytes;
    }

    public bool Contains(ulong sequenceHash)
    {
        lock (_lock)
            return _index.ContainsKey(sequenceHash);
    }

    public async ValueTask<IReadOnlyList<KvBlockPayload>> OfferAsync(KvBlockPayload block, CancellationToken cancellationToken)
    {
        var hash = block.Hash.SequenceHash;
        lock (_lock)
        {
            if (_index.ContainsKey(hash))
                return [];
            if (_minOffers > 1)
            {
                if (_offers.Count >= MaxTrackedOffers)
                    _offers.Clear();
                var offers = _offers[hash] = _offers.GetValueOrDefault(hash) + 1;
                if (offers < _minOffers)
                    return [block];
                _offers.Remove(hash);
            }
        }
        var bytes = KvBlockFile.Write(block);
        if (bytes.Length > _capacityBytes)
            return [block];
        // Write beside, then rename: a crash mid-write leaves a .tmp file, which the next start deletes.
        var temp = PathOf(hash) + ".tmp";
        await File.WriteAllBytesAsync(temp, bytes, cancellationToken);
        File.Move(temp, PathOf(hash), overwrite: true);
        var evicted = new List<ulong>();
        lock (_lock)
        {
            while (_bytes + bytes.Length > _capacityBytes)
            {
                var victim = _order.Evict();
                _bytes -= _index[victim].Bytes;
                _index.Remove(victim);
                evicted.Add(victim);
            }
            Track(block.Hash, bytes.Length, block.Priority);
        }
        foreach (var victim in evicted)
            File.Delete(PathOf(victim));
        if (evicted.Count > 0)
            _published?.Invoke(new KvBlocksRemoved(Interlocked.Increment(ref _eventId), Tier, evicted));
        _published?.Invoke(new KvBlocksStored(Interlocked.Increment(ref _eventId), Tier, block.ParentSequenceHash, [block.Hash]));
        // The disk is the last tier here: what it evicts is gone, not handed on.
        return [];
    }

    public async ValueTask<KvBlockPayload?> TryFetchAsync(ulong sequenceHash, CancellationToken cancellationToken)
    {
        int priority;
        lock (_lock)
        {
            if (!_index.TryGetValue(sequenceHash, out var entry))
                return null;
            priority = entry.Priority;
        }
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(PathOf(sequenceHash), cancellationToken);
        }
        catch (IOException)
        {
            bytes = [];
        }
        var block = KvBlockFile.Read(bytes);
        lock (_lock)
        {
            if (block is null || block.Hash.SequenceHash != sequenceHash)
            {
                // Truncated, corrupt or gone: forget it, and never serve it.
                if (_index.Remove(sequenceHash, out var entry))
                {
                    _order.Remove(sequenceHash);
                    _bytes -= entry.Bytes;
                }
                File.Delete(PathOf(sequenceHash));
                _published?.Invoke(new KvBlocksRemoved(Interlocked.Increment(ref _eventId), Tier, [sequenceHash]));
                return null;
            }
            _order.Remove(sequenceHash);
            _order.Add(sequenceHash, priority);
        }
        return block;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
