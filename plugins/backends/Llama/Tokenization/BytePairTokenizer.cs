using System.Text;

namespace Dynamo.Backends.Llama.Tokenization;

/// <summary>
/// Byte-level BPE (<c>tokenizer.ggml.model = gpt2</c>): text is pre-tokenized by the family's
/// expressions, each piece's UTF-8 bytes are written as GPT-2's printable characters, and
/// adjacent symbols are merged lowest merge rank first.
/// </summary>
internal sealed class BytePairTokenizer : GgufTokenizer
{
    private readonly PreTokenizer _preTokenizer;
    private readonly Dictionary<(string, string), int> _ranks;
    private readonly char[] _byteToChar = new char[256];
    private readonly Dictionary<char, byte> _charToByte = [];

    public BytePairTokenizer(GgufVocabulary vocab, string[] merges, PreTokenizer preTokenizer) : base(vocab)
    {
        _preTokenizer = preTokenizer;
        _ranks = new Dictionary<(string, string), int>(merges.Length);
        for (var i = 0; i < merges.Length; i++)
        {
            var space = merges[i].IndexOf(' ', 1);
            if (space > 0)
                _ranks.TryAdd((merges[i][..space], merges[i][(space + 1)..]), i);
        }
        // GPT-2's byte-to-character table: printable bytes stand for themselves, the rest move to U+0100 and up.
        var next = 0;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            _byteToChar[b] = printable ? (char)b : (char)(256 + next++);
            _charToByte[_byteToChar[b]] = (byte)b;
        }
    }

    protected override void EncodeText(string text, bool startsInput, List<int> output)
    {
        foreach (var piece in _preTokenizer.Split(text))
            EncodePiece(piece, output);
    }

    private void EncodePiece(string piece, List<int> output)
    {
        var symbols = Encoding.UTF8.GetBytes(piece).Select(b => _byteToChar[b].ToString()).ToList();
        while (symbols.Count > 1)
        {
            var (best, bestRank) = (-1, int.MaxValue);
            for (var i = 0; i + 1 < symbols.Count; i++)
                if (_ranks.TryGetValue((symbols[i], symbols[i + 1]), out var rank) && rank < bestRank)
                    (best, bestRank) = (i, rank);
            if (best < 0)
                break;
            symbols[best] += symbols[best + 1];
            symbols.RemoveAt(best + 1);
        }
        foreach (var symbol in symbols)
        {
            if (Vocab.Ids.TryGetValue(symbol, out var id))
                output.Add(id);
            else
                foreach (var c in symbol) // a symbol no merge produced: its single characters
                    if (Vocab.Ids.TryGetValue(c.ToString(), out var single))
                        output.Add(single);
        }
    }

    protected override void AppendBytes(string token, int type, List<byte> bytes)
    {
        if (type == GgufVocabulary.UserDefined)
        {
            bytes.AddRange(Encoding.UTF8.GetBytes(token));
            return;
        }
        foreach (var c in token)
            if (_charToByte.TryGetValue(c, out var b))
                bytes.Add(b);
    }
}
