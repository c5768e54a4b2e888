using Dynamo.Abstractions.KvCache;
using Dynamo.Backends.Llama.Model;

namespace Dynamo.Backends.Llama.Engine;

/// <summary>
/// Keeps the K and V of full blocks, keyed by their sequence hash (the Abstractions scheme), so a
/// request whose prompt starts with a cached prefix copies those blocks into its cache instead of
/// recomputing them. Least recently used blocks are evicted when it is full. Every block that
/// enters or leaves is published as a KV event. Not thread-safe: the scheduler loop owns it.
/// </summary>
internal sealed class PrefixCache(LlamaConfig config, int blockSize, int capacityBlocks, Action<KvCacheEvent> publish)
{
    private sealed record Block(ulong Hash, float[] Keys, float[] Values);

    private readonly Dictionary<ulong, LinkedListNode<Block>> _blocks = [];
    private readonly LinkedList<Block> _recency = []; // least recently used first
    private readonly int _blockFloats = config.Layers * blockSize * config.KvDim;
    private long _eventId;

    public int BlockSize => blockSize;

    public int Count => _blocks.Count;

    /// <summary>How many leading blocks of <paramref name="hashes"/> are cached; they become the most recently used.</summary>
    public int Match(IReadOnlyList<KvBlockHash> hashes)
    {
        var matched = 0;
        while (matched < hashes.Count && _blocks.TryGetValue(hashes[matched].SequenceHash, out var node))
        {
            Touch(node);
            matched++;
        }
        return matched;
    }

    /// <summary>Copies cached block <paramref name="hash"/> into block <paramref name="blockIndex"/> of a sequence's cache.</summary>
    public void CopyInto(ulong hash, SequenceState sequence, int blockIndex) =>
        Copy(_blocks[hash].Value, sequence, blockIndex, toSequence: true);

    /// <summary>Caches block <paramref name="blockIndex"/> of a sequence (already computed) under its hash.</summary>
    public void Store(KvBlockHash hash, ulong? parent, SequenceState sequence, int blockIndex)
    {
        if (capacityBlocks == 0)
            return;
        if (_blocks.TryGetValue(hash.SequenceHash, out var existing))
        {
            Touch(existing);
            return;
        }
        Block block;
        if (_blocks.Count >= capacityBlocks)
        {
            var victim = _recency.First!.Value;
            _recency.RemoveFirst();
            _blocks.Remove(victim.Hash);
            publish(new KvBlocksRemoved(++_eventId, KvStorageTier.Device, [victim.Hash]));
            block = victim with { Hash = hash.SequenceHash }; // reuse its arrays
        }
        else
            block = new Block(hash.SequenceHash, new float[_blockFloats], new float[_blockFloats]);
        Copy(block, sequence, blockIndex, toSequence: false);
        _blocks[hash.SequenceHash] = _recency.AddLast(block);
        publish(new KvBlocksStored(++_eventId, KvStorageTier.Device, parent, [hash]));
    }

    private void Touch(LinkedListNode<Block> node)
    {
        _recency.Remove(node);
        _recency.AddLast(node);
    }

    private void Copy(Block block, SequenceState sequence, int blockIndex, bool toSequence)
    {
        var rowFloats = blockSize * config.KvDim;
        for (var layer = 0; layer < config.Layers; layer++)
        {
            var inSequence = checked((int)(((long)layer * sequence.MaxPositions + (long)blockIndex * blockSize) * config.KvDim));
            var inBlock = layer * rowFloats;
            if (toSequence)
            {
                block.Keys.AsSpan(inBlock, rowFloats).CopyTo(sequence.Keys.AsSpan(inSequence, rowFloats));
                block.Values.AsSpan(inBlock, rowFloats).CopyTo(sequence.Values.AsSpan(inSequence, rowFloats));
            }
            else
            {
                sequence.Keys.AsSpan(inSequence, rowFloats).CopyTo(block.Keys.AsSpan(inBlock, rowFloats));
                sequence.Values.AsSpan(inSequence, rowFloats).CopyTo(block.Values.AsSpan(inBlock, rowFloats));
            }
        }
    }
}
