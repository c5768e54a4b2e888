using System.Text;
using Dynamo.Abstractions.Preprocessing;

namespace Dynamo.Backends.Llama.Tokenization;

/// <summary>
/// Byte-level BPE (<c>tokenizer.ggml.model = gpt2</c>): text is pre-tokenized by the family's
/// expressions, each piece's UTF-8 bytes are written as GPT-2's printable characters, and
/// adjacent symbols are merged lowest merge rank first.
/// </summary>
internal sealed class BytePairTokenizer : ITokenizer
{
    private readonly GgufVocabulary _vocab;
    private readonly PreTokenizer _preTokenizer;
    private readonly Dictionary<(string, string), int> _ranks;
    private readonly char[] _byteToChar = new char[256];
    private readonly Dictionary<char, byte> _charToByte = [];

    public BytePairTokenizer(GgufVocabulary vocab, string[] merges, PreTokenizer preTokenizer)
    {
        (_vocab, _preTokenizer) = (vocab, preTokenizer);
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

    public int VocabSize => _vocab.Tokens.Length;

    public string? BosToken => _vocab.Bos is { } id ? _vocab.Tokens[id] : null;

    public string? EosToken => _vocab.Eos is { } id ? _vocab.Tokens[id] : null;

    public IReadOnlyList<int> EosTokenIds => _vocab.EndOfGeneration;

    public int[] Encode(string text, bool addSpecialTokens)
    {
        var output = new List<int>();
        if (addSpecialTokens && _vocab.AddBos && _vocab.Bos is { } bos)
            output.Add(bos);
        foreach (var (raw, special) in _vocab.Partition(text))
        {
            if (raw is null)
                output.Add(special);
            else
                foreach (var piece in _preTokenizer.Split(raw))
                    EncodePiece(piece, output);
        }
        if (addSpecialTokens && _vocab.AddEos && _vocab.Eos is { } eos)
            output.Add(eos);
        return [.. output];
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
            if (_vocab.Ids.TryGetValue(symbol, out var id))
                output.Add(id);
            else
                foreach (var c in symbol) // a symbol no merge produced: its single characters
                    if (_vocab.Ids.TryGetValue(c.ToString(), out var single))
                        output.Add(single);
        }
    }

    public string Decode(ReadOnlySpan<int> tokenIds, bool skipSpecialTokens = true)
    {
        var bytes = new List<byte>(tokenIds.Length * 4);
        foreach (var id in tokenIds)
        {
            if ((uint)id >= (uint)_vocab.Tokens.Length)
                continue;
            var token = _vocab.Tokens[id];
            switch (_vocab.Types[id])
            {
                case GgufVocabulary.Control or GgufVocabulary.Unknown or GgufVocabulary.Unused when skipSpecialTokens:
                    break;
                case GgufVocabulary.UserDefined or GgufVocabulary.Control or GgufVocabulary.Unknown or GgufVocabulary.Unused:
                    bytes.AddRange(Encoding.UTF8.GetBytes(token));
                    break;
                default:
                    foreach (var c in token)
                        if (_charToByte.TryGetValue(c, out var b))
                            bytes.Add(b);
                    break;
            }
        }
        return Encoding.UTF8.GetString([.. bytes]);
    }
}
