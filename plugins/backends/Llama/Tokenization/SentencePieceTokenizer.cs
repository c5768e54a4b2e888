using System.Buffers;
using System.Text;

namespace Dynamo.Backends.Llama.Tokenization;

/// <summary>
/// llama.cpp's SentencePiece-style tokenizer (<c>tokenizer.ggml.model = llama</c>): spaces become
/// ▁, a space is put before text that starts the input or follows a special token
/// (<c>add_space_prefix</c>), adjacent pieces are merged best vocabulary score first, and a piece
/// the vocabulary lacks falls back to byte tokens <c>&lt;0xXX&gt;</c>.
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
        // llama.cpp's byte_to_token: <0xXX>, else the byte itself as a token (ASCII only), else (here) the unknown token.
        for (var b = 0; b < 256; b++)
            _byteTokens[b] = vocab.Ids.TryGetValue($"<0x{b:X2}>", out var id) ? id
                : b < 0x80 && vocab.Ids.TryGetValue(((char)b).ToString(), out id) ? id
                : vocab.Unk ?? 0;
    }

    /// <summary>A symbol: a range of the escaped text, linked to its neighbours; merged-away symbols have length 0.</summary>
    private struct Symbol
    {
        public int Start, Length, Prev, Next;
    }

    private readonly record struct Bigram(int Left, int Right, int Length);

    /// <summary>
    /// Highest score first, and among equal scores the leftmost pair, as llama.cpp's queue orders them:
    /// the score's bits made to sort like the float, inverted, above the position.
    /// </summary>
    private static ulong Priority(float score, int left)
    {
        var bits = BitConverter.SingleToUInt32Bits(score == 0 ? 0f : score); // -0 ties with +0
        var ascending = (bits & 0x8000_0000) != 0 ? ~bits : bits | 0x8000_0000;
        return (ulong)~ascending << 32 | (uint)left;
    }

    protected override void EncodeText(ReadOnlySpan<char> text, bool afterSpecial, List<int> output)
    {
        var prefix = _addSpacePrefix && afterSpecial ? 1 : 0;
        var length = text.Length + prefix;
        var escaped = ArrayPool<char>.Shared.Rent(length);
        var symbols = ArrayPool<Symbol>.Shared.Rent(length);
        try
        {
            if (prefix == 1)
                escaped[0] = ' ';
            text.CopyTo(escaped.AsSpan(prefix));
            escaped.AsSpan(0, length).Replace(' ', SpaceMark);
            Tokenize(escaped.AsSpan(0, length), symbols, output);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(escaped);
            ArrayPool<Symbol>.Shared.Return(symbols);
        }
    }

    private void Tokenize(ReadOnlySpan<char> text, Symbol[] symbols, List<int> output)
    {
        if (text.IsEmpty)
            return;
        // One symbol per character (a surrogate pair is one character, as UTF-8 sequences are in llama.cpp).
        var count = 0;
        for (var i = 0; i < text.Length;)
        {
            var length = char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
            symbols[count] = new Symbol { Start = i, Length = length, Prev = count - 1, Next = i + length < text.Length ? count + 1 : -1 };
            count++;
            i += length;
        }
        var queue = new PriorityQueue<Bigram, ulong>();
        for (var i = 1; i < count; i++)
            TryQueue(text, symbols, i - 1, i, queue);
        while (queue.TryDequeue(out var bigram, out _))
        {
            ref var left = ref symbols[bigram.Left];
            ref var right = ref symbols[bigram.Right];
            // Stale: one side was merged away or grew since this pair was queued.
            if (left.Length == 0 || right.Length == 0 || left.Length + right.Length != bigram.Length)
                continue;
            left.Length += right.Length;
            right.Length = 0;
            left.Next = right.Next;
            if (right.Next >= 0)
                symbols[right.Next].Prev = bigram.Left;
            TryQueue(text, symbols, left.Prev, bigram.Left, queue);
            TryQueue(text, symbols, bigram.Left, left.Next, queue);
        }
        // Every merged piece is in the vocabulary; a single character that is not becomes its UTF-8 bytes.
        Span<byte> bytes = stackalloc byte[4];
        for (var i = 0; i >= 0; i = symbols[i].Next)
        {
            var piece = text.Slice(symbols[i].Start, symbols[i].Length);
            if (_lookup.TryGetValue(piece, out var id))
                output.Add(id);
            else
                foreach (var b in bytes[..Encoding.UTF8.GetBytes(piece, bytes)])
                    output.Add(_byteTokens[b]);
        }
    }

    private void TryQueue(ReadOnlySpan<char> text, Symbol[] symbols, int left, int right, PriorityQueue<Bigram, ulong> queue)
    {
        if (left < 0 || right < 0)
            return;
        var length = symbols[left].Length + symbols[right].Length;
        if (_lookup.TryGetValue(text.Slice(symbols[left].Start, length), out var id))
            queue.Enqueue(new Bigram(left, right, length), Priority(Vocab.Scores[id], left));
    }

    protected override byte[] NormalTokenBytes(string token) => Encoding.UTF8.GetBytes(token.Replace(SpaceMark, ' '));
}
