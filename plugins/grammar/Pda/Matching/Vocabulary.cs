using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Dynamo.Abstractions.Preprocessing;

namespace Dynamo.Grammar.Pda.Matching;

/// <summary>
/// One tokenizer's tokens as a byte trie, laid out in preorder so a walk can skip a whole subtree
/// (every token starting with a prefix the grammar refuses) by jumping to <see cref="SubtreeEnd"/>.
/// Tokens that write nothing (control tokens) are not in it. Built once per tokenizer; shared by every
/// grammar compiled for it, with the per-state token classes those grammars have in common.
/// </summary>
internal sealed class Vocabulary
{
    /// <summary>Per-state classifications kept per tokenizer, shared across grammars (4 KiB each for a 32k vocabulary).</summary>
    public const int MaxSharedClassifications = 16_384;

    public int Size { get; }

    public int MaskWords => (Size + 63) / 64;

    /// <summary>Each token's bytes (empty for tokens that write nothing).</summary>
    public byte[][] TokenBytes { get; }

    /// <summary>Node count; node 0 is the root (the empty prefix).</summary>
    public int NodeCount { get; }

    public byte[] NodeByte { get; }

    public int[] NodeDepth { get; }

    /// <summary>The first node after this node's subtree, in preorder.</summary>
    public int[] SubtreeEnd { get; }

    /// <summary>The tokens spelled by the path to a node: <see cref="Tokens"/>[<c>TokenStart[n]</c>..<c>TokenStart[n+1]</c>).</summary>
    public int[] TokenStart { get; }

    /// <summary>Token ids in preorder of their nodes, so a subtree's tokens are one range.</summary>
    public int[] Tokens { get; }

    public int MaxDepth { get; }

    public ConcurrentDictionary<UInt128, StateTokens> SharedClassifications { get; } = new();

    private Vocabulary(ITokenizer tokenizer)
    {
        Size = tokenizer.VocabSize;
        TokenBytes = new byte[Size][];
        for (var id = 0; id < Size; id++)
            TokenBytes[id] = tokenizer.TokenBytes(id);
        var order = Enumerable.Range(0, Size).Where(id => TokenBytes[id].Length > 0).ToArray();
        Array.Sort(order, (a, b) =>
        {
            var c = TokenBytes[a].AsSpan().SequenceCompareTo(TokenBytes[b]);
            return c != 0 ? c : a.CompareTo(b);
        });

        var nodeByte = new List<byte> { 0 };
        var nodeDepth = new List<int> { 0 };
        var subtreeEnd = new List<int> { 0 };
        var tokenStart = new List<int> { 0 };
        var path = new List<int> { 0 }; // node at each depth of the current path
        var previous = Array.Empty<byte>();
        var tokens = new List<int>(order.Length);
        foreach (var id in order)
        {
            var bytes = TokenBytes[id];
            var common = 0;
            while (common < previous.Length && common < bytes.Length && previous[common] == bytes[common])
                common++;
            // Close the nodes below the shared prefix.
            while (path.Count - 1 > common)
            {
                subtreeEnd[path[^1]] = nodeByte.Count;
                path.RemoveAt(path.Count - 1);
            }
            for (var d = common; d < bytes.Length; d++)
            {
                nodeByte.Add(bytes[d]);
                nodeDepth.Add(d + 1);
                subtreeEnd.Add(0);
                tokenStart.Add(tokens.Count);
                path.Add(nodeByte.Count - 1);
            }
            tokens.Add(id);
            previous = bytes;
        }
        while (path.Count > 0)
        {
            subtreeEnd[path[^1]] = nodeByte.Count;
            path.RemoveAt(path.Count - 1);
        }
        tokenStart.Add(tokens.Count);
        NodeCount = nodeByte.Count;
        NodeByte = [.. nodeByte];
        NodeDepth = [.. nodeDepth];
        SubtreeEnd = [.. subtreeEnd];
        TokenStart = [.. tokenStart];
        Tokens = [.. tokens];
        MaxDepth = NodeDepth.Max();
    }

    private static readonly ConditionalWeakTable<ITokenizer, Vocabulary> Cache = new();

    public static Vocabulary For(ITokenizer tokenizer) => Cache.GetValue(tokenizer, t => new Vocabulary(t));

    /// <summary>The tokens at node <paramref name="node"/> itself (spelled exactly by its path).</summary>
    public ReadOnlySpan<int> TokensAt(int node) => Tokens.AsSpan(TokenStart[node], TokenStart[node + 1] - TokenStart[node]);

    /// <summary>Every token in the subtree of <paramref name="node"/>, the node's own included.</summary>
    public ReadOnlySpan<int> TokensUnder(int node) => Tokens.AsSpan(TokenStart[node], TokenStart[SubtreeEnd[node]] - TokenStart[node]);
}
