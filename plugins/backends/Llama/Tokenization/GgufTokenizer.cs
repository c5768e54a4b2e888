using System.Text;
using Dynamo.Abstractions.Preprocessing;

namespace Dynamo.Backends.Llama.Tokenization;

/// <summary>
/// What every GGUF tokenizer shares: special ids from the vocabulary, special tokens matched
/// whole in the text, BOS/EOS when asked, and skipping control tokens when decoding. Subclasses
/// say how plain text becomes ids and how a token becomes bytes.
/// </summary>
internal abstract class GgufTokenizer(GgufVocabulary vocab) : ITokenizer
{
    protected GgufVocabulary Vocab { get; } = vocab;

    public int VocabSize => Vocab.Tokens.Length;

    public string? BosToken => Vocab.Bos is { } id ? Vocab.Tokens[id] : null;

    public string? EosToken => Vocab.Eos is { } id ? Vocab.Tokens[id] : null;

    public IReadOnlyList<int> EosTokenIds => Vocab.EndOfGeneration;

    public int[] Encode(string text, bool addSpecialTokens)
    {
        var output = new List<int>();
        if (addSpecialTokens && Vocab.AddBos && Vocab.Bos is { } bos)
            output.Add(bos);
        var previousWasSpecial = true;
        foreach (var (raw, special) in Vocab.Partition(text))
        {
            if (raw is null)
                output.Add(special);
            else
                EncodeText(raw, previousWasSpecial, output);
            previousWasSpecial = raw is null;
        }
        if (addSpecialTokens && Vocab.AddEos && Vocab.Eos is { } eos)
            output.Add(eos);
        return [.. output];
    }

    /// <summary>Encodes a run of text with no special tokens in it.</summary>
    /// <param name="startsInput">Whether it begins the input or follows a special token.</param>
    protected abstract void EncodeText(string text, bool startsInput, List<int> output);

    public string Decode(ReadOnlySpan<int> tokenIds, bool skipSpecialTokens = true)
    {
        var bytes = new List<byte>(tokenIds.Length * 4);
        foreach (var id in tokenIds)
        {
            if ((uint)id >= (uint)Vocab.Tokens.Length)
                continue;
            var type = Vocab.Types[id];
            if (type is GgufVocabulary.Control or GgufVocabulary.Unknown or GgufVocabulary.Unused)
            {
                if (!skipSpecialTokens)
                    bytes.AddRange(Encoding.UTF8.GetBytes(Vocab.Tokens[id]));
                continue;
            }
            AppendBytes(Vocab.Tokens[id], type, bytes);
        }
        // A trailing incomplete UTF-8 sequence becomes U+FFFD, which streaming callers hold back.
        return Encoding.UTF8.GetString([.. bytes]);
    }

    /// <summary>The bytes a normal, byte or user-defined token stands for.</summary>
    protected abstract void AppendBytes(string token, int type, List<byte> bytes);
}
