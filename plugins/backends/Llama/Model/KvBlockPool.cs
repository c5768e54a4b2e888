using System.Runtime.InteropServices;
using Dynamo.Abstractions.KvCache;
using Dynamo.Backends.Llama.Kernels;

namespace Dynamo.Backends.Llama.Model;

/// <summary>
/// The paged KV cache: a fixed number of blocks of K and V for every layer, handed to sequences
/// through block tables. A full block is registered under its sequence hash, so a later request
/// with the same prefix points its table at it instead of recomputing it; blocks no sequence uses
/// stay cached until space is needed, lowest priority first, then least recently used
/// (<see cref="KvEvictionQueue{T}"/>). Every block that becomes
/// reusable or is evicted is published as a KV event. Not thread-safe: the scheduler owns it.
/// </summary>
internal sealed class KvBlockPool
{
    private readonly int _layers;
    private readonly int _kvDim;
    private readonly Action<KvCacheEvent>? _publish;
    private readonly Stack<int> _free = new();
    private readonly int[] _references;
    private readonly KvBlockHash?[] _hashes; // set while a block is registered
    private readonly ulong?[] _parents;
    private readonly int[]?[] _tokens;
    private readonly Dictionary<ulong, int> _registered = [];
    private readonly KvEvictionQueue<int> _unused = new(); // registered, unreferenced
    private long _eventId;

    public int BlockSize { get; }

    public int Capacity { get; }

    /// <summary>The blocks' K and V, [block][layer][slot][kv dim], wherever the forward pass keeps them.</summary>
    public IKvStorage Storage { get; }

    public KvBlockPool(int blockSize, int blocks, IKvStorage storage, LlamaConfig config, Action<KvCacheEvent>? publish = null)
    {
        (_layers, _kvDim, BlockSize, Capacity, Storage, _publish) = (config.Layers, config.KvDim, blockSize, blocks, storage, publish);
        _references = new int[blocks];
        _hashes = new KvBlockHash?[blocks];
        _parents = new ulong?[blocks];
        _tokens = new int[]?[blocks];
        for (var b = blocks - 1; b >= 0; b--)
            _free.Push(b);
    }

    public int Offset(int block, int layer, int slot) => checked(((block * _layers + layer) * BlockSize + slot) * _kvDim);

    /// <summary>Blocks running sequences hold.</summary>
    public int ActiveBlocks => Capacity - _free.Count - _unused.Count;

    /// <summary>How many leading blocks of <paramref name="hashes"/> are cached.</summary>
    public int Match(IReadOnlyList<KvBlockHash> hashes)
    {
        var matched = 0;
        while (matched < hashes.Count && _registered.ContainsKey(hashes[matched].SequenceHash))
            matched++;
        return matched;
    }

    /// <summary>
    /// Fills <paramref name="table"/> with the first <paramref name="cached"/> blocks of
    /// <paramref name="hashes"/> (shared) and <paramref name="fresh"/> new ones, evicting as
    /// needed; false, and nothing changed, when they do not fit.
    /// </summary>
    public bool TryAllocate(IReadOnlyList<KvBlockHash> hashes, int cached, int fresh, List<int> table)
    {
        var reusedUnused = 0;
        for (var i = 0; i < cached; i++)
            if (_references[_registered[hashes[i].SequenceHash]] == 0)
                reusedUnused++;
        if (fresh > _free.Count + _unused.Count - reusedUnused)
            return false;
        for (var i = 0; i < cached; i++)
        {
            var block = _registered[hashes[i].SequenceHash];
            if (_references[block]++ == 0)
                _unused.Remove(block);
            table.Add(block);
        }
        for (var i = 0; i < fresh; i++)
        {
            var block = _free.Count > 0 ? _free.Pop() : Evict();
            _references[block] = 1;
            table.Add(block);
        }
        return true;
    }

    /// <summary>
    /// Called with each registered block as it is evicted (its K and V copied out first), for the
    /// offload tiers. Runs on the scheduler thread: it must only queue the block.
    /// </summary>
    public Action<KvBlockPayload>? Evicted { get; set; }

    /// <summary>Floats of K (and as many of V) in one block: all layers.</summary>
    private int BlockFloats => _layers * BlockSize * _kvDim;

    /// <summary>A block just became full: it is now reusable under its hash (unless an identical one already is).</summary>
    /// <param name="tokens">Its token ids, carried with it if it is offloaded.</param>
    public void Register(int block, KvBlockHash hash, ulong? parent, int[]? tokens = null)
    {
        if (!_registered.TryAdd(hash.SequenceHash, block))
            return;
        (_hashes[block], _parents[block], _tokens[block]) = (hash, parent, tokens);
        _publish?.Invoke(new KvBlocksStored(++_eventId, KvStorageTier.Device, parent, [hash]));
    }

    /// <summary>A sequence of <paramref name="priority"/> ended: its registered blocks stay cached, the rest are free again.</summary>
    public void Release(List<int> table, int priority = 0)
    {
        foreach (var block in table)
        {
            if (--_references[block] > 0)
                continue;
            if (_hashes[block] is not null)
                _unused.Add(block, priority);
            else
                _free.Push(block);
        }
        table.Clear();
    }

    /// <summary>Fills a fresh block of a sequence's table with an offloaded block's K and V and registers it: a copy, not a recompute.</summary>
    /// <exception cref="ArgumentException">The payload is not a block of this pool's shape.</exception>
    public void Onboard(int block, KvBlockPayload payload)
    {
        var floats = MemoryMarshal.Cast<byte, float>(payload.Data.Span);
        if (floats.Length != 2 * BlockFloats)
            throw new ArgumentException($"An offloaded block of {payload.Data.Length} bytes does not fit this pool's {2 * BlockFloats * 4}-byte blocks.", nameof(payload));
        Storage.Write(Offset(block, 0, 0), floats[..BlockFloats], floats[BlockFloats..]);
        Register(block, payload.Hash, payload.ParentSequenceHash, [.. payload.TokenIds]);
    }

    /// <summary>A block's bytes (all layers' K, then V), as offloading and disaggregated transfer move them.</summary>
    public int BlockBytes => 2 * BlockFloats * sizeof(float);

    /// <summary>Copies a block's K and V out (a prefill worker handing a prompt's blocks to a decode worker).</summary>
    public byte[] ReadBlock(int block)
    {
        var data = new byte[BlockBytes];
        var floats = MemoryMarshal.Cast<byte, float>(data.AsSpan());
        Storage.Read(Offset(block, 0, 0), floats[..BlockFloats], floats[BlockFloats..]);
        return data;
    }

    private KvBlockPayload Payload(int block, int priority)
    {
        return new KvBlockPayload(_hashes[block]!.Value, _parents[block], _tokens[block] ?? [], ReadBlock(block), priority);
    }

    private int Evict()
    {
        var block = _unused.Evict(out var priority);
        if (Evicted is { } evicted)
            evicted(Payload(block, priority));
        var hash = _hashes[block]!.Value.SequenceHash;
        _registered.Remove(hash);
        (_hashes[block], _tokens[block]) = (null, null);
        _publish?.Invoke(new KvBlocksRemoved(++_eventId, KvStorageTier.Device, [hash]));
        return block;
    }
}
