using System.Buffers;
using System.Text;

namespace Dynamo.Backends.Llama.Tokenization;

/// <summary>
/// Byte-level BPE (<c>tokenizer.ggml.model = gpt2</c>) as llama.cpp runs it: the family's
/// pre-tokenizer splits the text into words, each word's UTF-8 bytes start as one symbol each
/// (GPT-2's characters for them), and adjacent symbols merge lowest merge rank first, leftmost
/// first on ties, until no listed merge applies.
/// </summary>
/// <remarks>
/// Symbols are ids rather than strings: every string a merge can produce is numbered once, when
/// the merges are read (vocabulary ids first, then numbers past the vocabulary for strings it lacks),
/// so a merge is one dictionary lookup on a pair of ints and tokenizing allocates no strings.
/// </remarks>
internal sealed class BytePairTokenizer : GgufTokenizer
{
    private readonly PreTokenizer _preTokenizer;
    private readonly Dictionary<long, (int Rank, int Result)> _merges;
    private readonly int[] _byteSymbols = new int[256];
    private readonly int _vocabSize;

    /// <summary>For a symbol past the vocabulary: what llama.cpp outputs instead (the tokens of its single ASCII bytes).</summary>
    private readonly int[][] _unknownSymbols;

    public BytePairTokenizer(GgufVocabulary vocab, string[] merges, PreTokenizer preTokenizer) : base(vocab)
    {
        _preTokenizer = preTokenizer;
        _vocabSize = vocab.Tokens.Length;
        var extra = new Dictionary<string, int>(StringComparer.Ordinal);
        int Symbol(string text) =>
            vocab.Ids.TryGetValue(text, out var id) ? id
            : extra.TryGetValue(text, out id) ? id
            : extra[text] = _vocabSize + extra.Count;

        for (var b = 0; b < 256; b++)
            _byteSymbols[b] = Symbol(ByteLevel.ToChar((byte)b).ToString());
        _merges = new Dictionary<long, (int, int)>(merges.Length);
        for (var rank = 0; rank < merges.Length; rank++)
        {
            // "left right", split at the first space after the first character (llama.cpp's reading); the first listing wins.
            var merge = merges[rank];
            var space = merge.Length > 1 ? merge.IndexOf(' ', 1) : -1;
            if (space < 0)
                continue;
            var (left, right) = (merge[..space], merge[(space + 1)..]);
            if (left.Length == 0 || right.Length == 0)
                continue;
            _merges.TryAdd(Pair(Symbol(left), Symbol(right)), (rank, Symbol(left + right)));
        }

        _unknownSymbols = new int[extra.Count][];
        foreach (var (text, symbol) in extra)
            _unknownSymbols[symbol - _vocabSize] = Encoding.UTF8.GetBytes(text)
                .Select(b => b < 0x80 && vocab.Ids.TryGetValue(((char)b).ToString(), out var id) ? id : -1)
                .Where(id => id >= 0).ToArray();
    }

    private static long Pair(int left, int right) => (long)left << 32 | (uint)right;

    private struct Symbol
    {
        public int Id, Prev, Next; // Id -1: merged into its left neighbour
    }

    private readonly record struct Bigram(int Left, int Right, int LeftId, int RightId, int Result);

    protected override void EncodeText(ReadOnlySpan<char> text, bool afterSpecial, List<int> output)
    {
        var words = _preTokenizer.Split(text);
        var longest = 0;
        foreach (var (_, length) in words)
            longest = Math.Max(longest, length);
        var bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(longest));
        var symbols = ArrayPool<Symbol>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(longest));
        // Lowest rank first, then leftmost: rank in the high half of the priority, position in the low.
        var queue = new PriorityQueue<Bigram, long>();
        try
        {
            foreach (var (start, length) in words)
            {
                var count = Encoding.UTF8.GetBytes(text.Slice(start, length), bytes);
                EncodeWord(bytes.AsSpan(0, count), symbols, queue, output);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
            ArrayPool<Symbol>.Shared.Return(symbols);
        }
    }

    private void EncodeWord(ReadOnlySpan<byte> bytes, Symbol[] symbols, PriorityQueue<Bigram, long> queue, List<int> output)
    {
        if (bytes.IsEmpty)
            return;
        for (var i = 0; i < bytes.Length; i++)
            symbols[i] = new Symbol { Id = _byteSymbols[bytes[i]], Prev = i - 1, Next = i + 1 < bytes.Length ? i + 1 : -1 };
        queue.Clear();
        for (var i = 1; i < bytes.Length; i++)
            TryQueue(symbols, i - 1, i, queue);
        while (queue.TryDequeue(out var bigram, out _))
        {
            ref var left = ref symbols[bigram.Left];
            ref var right = ref symbols[bigram.Right];
            // Stale: either side has been merged since (a merged-away symbol has id -1, a grown one another id).
            if (left.Id != bigram.LeftId || right.Id != bigram.RightId)
                continue;
            left.Id = bigram.Result;
            right.Id = -1;
            left.Next = right.Next;
            if (right.Next >= 0)
                symbols[right.Next].Prev = bigram.Left;
            if (left.Prev >= 0)
                TryQueue(symbols, left.Prev, bigram.Left, queue);
            if (left.Next >= 0)
                TryQueue(symbols, bigram.Left, left.Next, queue);
        }
        for (var i = 0; i >= 0; i = symbols[i].Next)
        {
            var id = symbols[i].Id;
            if (id < _vocabSize)
                output.Add(id);
            else
                output.AddRange(_unknownSymbols[id - _vocabSize]);
        }
    }

    private void TryQueue(Symbol[] symbols, int left, int right, PriorityQueue<Bigram, long> queue)
    {
        var (leftId, rightId) = (symbols[left].Id, symbols[right].Id);
        if (_merges.TryGetValue(Pair(leftId, rightId), out var merge))
            queue.Enqueue(new Bigram(left, right, leftId, rightId, merge.Result), (long)merge.Rank << 32 | (uint)left);
    }

    protected override byte[] NormalTokenBytes(string token)
    {
        // Each character stands for one byte; one that stands for none (not GPT-2's table) is kept as its own UTF-8.
        var bytes = new List<byte>(token.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < token.Length; i++)
        {
            if (ByteLevel.ToByte(token[i]) is >= 0 and var b)
            {
                bytes.Add((byte)b);
                continue;
            }
            var length = char.IsSurrogatePair(token, i) ? 2 : 1;
            foreach (var u in utf8[..Encoding.UTF8.GetBytes(token.AsSpan(i, length), utf8)])
                bytes.Add(u);
            i += length - 1;
        }
        return [.. bytes];
    }
}
