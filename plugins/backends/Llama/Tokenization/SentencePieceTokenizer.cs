using System.Text;

namespace Dynamo.Backends.Llama.Tokenization;

/// <summary>
/// llama.cpp's SentencePiece-style tokenizer (<c>tokenizer.ggml.model = llama</c>): spaces become
/// ▁, a space is put before text that starts the input or follows a special token, characters are
/// merged pairwise by the highest-scoring vocabulary entry, and pieces the vocabulary lacks fall
/// back to byte tokens <c>&lt;0xXX&gt;</c>.
/// </summary>
internal sealed class SentencePieceTokenizer : GgufTokenizer
{
    private const char SpaceMark = '\u2581';

    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly int[] _byteTokens = new int[256];
    private readonly bool _addSpacePrefix;

    public SentencePieceTokenizer(GgufVocabulary vocab, bool addSpacePrefix) : base(vocab)
    {
        _addSpacePrefix = addSpacePrefix;
        _lookup = vocab.Ids.GetAlternateLookup<ReadOnlySpan<char>>();
        for (var b = 0; b < 256; b++)
            _byteTokens[b] = vocab.Ids.TryGetValue($"<0x{b:X2}>", out var id) ? id : vocab.Unk ?? 0;
    }

    protected override void EncodeText(string text, bool startsInput, List<int> output) =>
        EncodePiece((_addSpacePrefix && startsInput ? " " + text : text).Replace(' ', SpaceMark), output);

    private readonly record struct Symbol(int Start, int Length, int Prev, int Next);

    private readonly record struct Bigram(int Left, int Right, int Length);

    /// <summary>Merges adjacent symbols, best-scoring pair first (leftmost on ties), then maps the pieces to ids.</summary>
    private void EncodePiece(string text, List<int> output)
    {
        var symbols = new List<Symbol>();
        for (var i = 0; i < text.Length;)
        {
            var length = char.IsHighSurrogate(text[i]) && i + 1 < text.Length ? 2 : 1;
            symbols.Add(new Symbol(i, length, symbols.Count - 1, i + length < text.Length ? symbols.Count + 1 : -1));
            i += length;
        }
        var queue = new PriorityQueue<Bigram, (float Score, int Left)>(Comparer<(float Score, int Left)>.Create(
            (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Left.CompareTo(b.Left)));
        var merges = new Dictionary<(int Start, int Length), (int Left, int Right)>();
        void TryAdd(int left, int right)
        {
            if (left < 0 || right < 0)
                return;
            var (l, r) = (symbols[left], symbols[right]);
            if (!_lookup.TryGetValue(text.AsSpan(l.Start, l.Length + r.Length), out var id))
                return;
            queue.Enqueue(new Bigram(left, right, l.Length + r.Length), (Vocab.Scores[id], left));
            merges[(l.Start, l.Length + r.Length)] = (left, right);
        }
        for (var i = 1; i < symbols.Count; i++)
            TryAdd(i - 1, i);
        var original = symbols.ToArray();
        while (queue.TryDequeue(out var bigram, out _))
        {
            var (left, right) = (symbols[bigram.Left], symbols[bigram.Right]);
            // Stale: one side was merged away or grew since this pair was queued.
            if (left.Length == 0 || right.Length == 0 || left.Length + right.Length != bigram.Length)
                continue;
            symbols[bigram.Left] = left with { Length = left.Length + right.Length, Next = right.Next };
            symbols[bigram.Right] = right with { Length = 0 };
            if (right.Next >= 0)
                symbols[right.Next] = symbols[right.Next] with { Prev = bigram.Left };
            TryAdd(symbols[bigram.Left].Prev, bigram.Left);
            TryAdd(bigram.Left, symbols[bigram.Left].Next);
        }
        for (var i = symbols.Count > 0 ? 0 : -1; i >= 0; i = symbols[i].Next)
            Resegment(text, symbols[i].Start, symbols[i].Length, original, merges, output);
    }

    /// <summary>A piece the vocabulary has is one token; else it splits back into what it was merged from, down to bytes.</summary>
    private void Resegment(string text, int start, int length, Symbol[] original,
        Dictionary<(int Start, int Length), (int Left, int Right)> merges, List<int> output)
    {
        if (_lookup.TryGetValue(text.AsSpan(start, length), out var id))
        {
            output.Add(id);
            return;
        }
        if (merges.TryGetValue((start, length), out var parts))
        {
            var leftLength = original[parts.Right].Start - start;
            Resegment(text, start, leftLength, original, merges, output);
            Resegment(text, start + leftLength, length - leftLength, original, merges, output);
            return;
        }
        foreach (var b in Encoding.UTF8.GetBytes(text.Substring(start, length)))
            output.Add(_byteTokens[b]);
    }

    protected override void AppendBytes(string token, int type, List<byte> bytes)
    {
        if (type == GgufVocabulary.Byte && token.Length == 6)
            bytes.Add(Convert.ToByte(token.Substring(3, 2), 16));
        else
            bytes.AddRange(Encoding.UTF8.GetBytes(token.Replace(SpaceMark, ' ')));
    }
}
