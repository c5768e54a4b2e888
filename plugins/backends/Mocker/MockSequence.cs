using System.Runtime.InteropServices;
using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.Engines.Scheduling;
using Dynamo.Abstractions.KvCache;

namespace Dynamo.Backends.Mocker;

/// <summary>One request inside the mocker: its tokens and its KV blocks.</summary>
internal sealed class MockSequence(EngineRequest request, int targetTokens, IEnumerator<int> text, int blockSize) : ScheduledSequence(request)
{
    private readonly int _blockSize = blockSize;

    /// <summary>Tokens to generate before finishing (decided up front, so KV space is reserved once).</summary>
    public int TargetTokens { get; } = targetTokens;

    public IEnumerator<int> Text { get; } = text;

    public List<int> Tokens { get; } = [.. request.TokenIds];

    /// <summary>The prompt's full blocks, hashed once when the request arrives.</summary>
    public KvBlockHash[] PromptHashes { get; } = KvBlockHasher.HashBlocks([.. request.TokenIds], blockSize);

    /// <summary>Sequence hashes of the full blocks it holds, in order.</summary>
    public List<ulong> Blocks { get; } = [];

    public int PrivateBlocks { get; set; }

    public int CachedTokens { get; set; }

    /// <summary>Prompt blocks from the start that a prefill worker computed and sent (disaggregated decode): not prefilled here.</summary>
    public int ImportedBlocks { get; init; }

    public int Generated { get; set; }

    /// <summary>The request's grammar and min_tokens; the mocker writes tokens the grammar allows.</summary>
    public ConstrainedDecoding? Decoding { get; init; }

    /// <summary>Picks among allowed tokens when the scripted or random word is not one (seeded like the words).</summary>
    public Random? Chooser { get; init; }

    public ulong? LastBlockHash => Blocks.Count > 0 ? Blocks[^1] : null;

    /// <summary>Hashes of the blocks that are full but not yet registered, in order.</summary>
    public KvBlockHash[] NewFullBlocks()
    {
        var first = Blocks.Count;
        var full = Tokens.Count / _blockSize;
        if (full <= first)
            return [];
        var result = new KvBlockHash[full - first];
        var parent = LastBlockHash;
        for (var b = first; b < full; b++)
        {
            result[b - first] = b < PromptHashes.Length ? PromptHashes[b]
                : KvBlockHasher.HashBlocks(CollectionsMarshal.AsSpan(Tokens).Slice(b * _blockSize, _blockSize), _blockSize, parent)[0];
            parent = result[b - first].SequenceHash;
        }
        return result;
    }
}
