using System.Buffers;
using System.Text;
using Dynamo.Abstractions.Preprocessing;
using Dynamo.Backends.Llama.Gguf;

namespace Dynamo.Backends.Llama.Tokenization;

/// <summary>
/// What every GGUF tokenizer shares, following llama.cpp: special tokens cut out of the text
/// first, BOS/EOS when asked, and decoding through each token's bytes (control tokens only when
/// special tokens are wanted). Subclasses say how a run of plain text becomes ids and what bytes
/// a normal token stands for.
/// </summary>
internal abstract class GgufTokenizer(GgufVocabulary vocab) : ITokenizer
{
    private byte[][]? _pieces;

    protected GgufVocabulary Vocab { get; } = vocab;

    public int VocabSize => Vocab.Tokens.Length;

    public string? BosToken => Vocab.Bos is { } id ? Vocab.Tokens[id] : null;

    public string? EosToken => Vocab.Eos is { } id ? Vocab.Tokens[id] : null;

    public IReadOnlyList<int> EosTokenIds => Vocab.EndOfGeneration;

    public string? ChatTemplate { get; set; }

    /// <summary>The tokenizer a GGUF file describes (<c>tokenizer.ggml.model</c>: <c>llama</c> or <c>gpt2</c>).</summary>
    /// <exception cref="GgufFormatException">Another tokenizer model, or metadata missing.</exception>
    public static GgufTokenizer FromGguf(GgufFile file)
    {
        var model = file.Get<string>("tokenizer.ggml.model");
        return model switch
        {
            // Defaults are llama.cpp's for a file that lacks the keys.
            "llama" => new SentencePieceTokenizer(GgufVocabulary.FromGguf(file, (Bos: 1, Eos: 2, Unk: 0, AddBos: true)),
                file.Get("tokenizer.ggml.add_space_prefix", true)),
            "gpt2" => new BytePairTokenizer(GgufVocabulary.FromGguf(file, (Bos: 11, Eos: 11, Unk: null, AddBos: false)),
                file.Get<string[]>("tokenizer.ggml.merges"), PreTokenizer.ForGguf(file.Get<string?>("tokenizer.ggml.pre", null), file.Path)),
            _ => throw new GgufFormatException(file.Path, $"tokenizer model '{model}' is not supported (supported: llama, gpt2)."),
        };
    }

    /// <summary>Special tokens written in the text become their ids, as llama.cpp's server tokenizes prompts.</summary>
    public int[] Encode(string text, bool addSpecialTokens) => Encode(text, addSpecialTokens, parseSpecial: true);

    /// <param name="parseSpecial">
    /// Whether control tokens written in the text (<c>&lt;s&gt;</c>, <c>&lt;|im_end|&gt;</c>) become their ids;
    /// user-defined tokens always do. llama.cpp's <c>test-tokenizer-0</c> tokenizes without.
    /// </param>
    public int[] Encode(string text, bool addSpecialTokens, bool parseSpecial)
    {
        var output = new List<int>(text.Length / 3 + 2);
        if (addSpecialTokens && Vocab.AddBos && Vocab.Bos is { } bos)
            output.Add(bos);
        var previousWasSpecial = true; // the input's start counts as following a special token
        foreach (var fragment in Vocab.Partition(text, parseSpecial))
        {
            if (fragment.IsText)
                EncodeText(text.AsSpan(fragment.Start, fragment.Length), previousWasSpecial, output);
            else
                output.Add(fragment.Token);
            previousWasSpecial = !fragment.IsText;
        }
        if (addSpecialTokens && Vocab.AddEos && Vocab.Eos is { } eos)
            output.Add(eos);
        return [.. output];
    }

    /// <summary>Encodes a run of text with no special tokens in it.</summary>
    /// <param name="afterSpecial">Whether it begins the input or follows a special token.</param>
    protected abstract void EncodeText(ReadOnlySpan<char> text, bool afterSpecial, List<int> output);

    public string Decode(ReadOnlySpan<int> tokenIds, bool skipSpecialTokens = true)
    {
        var pieces = _pieces ??= BuildPieces();
        var length = 0;
        foreach (var id in tokenIds)
            if (Renders(id, skipSpecialTokens))
                length += pieces[id].Length;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        try
        {
            var at = 0;
            foreach (var id in tokenIds)
                if (Renders(id, skipSpecialTokens))
                {
                    pieces[id].CopyTo(buffer, at);
                    at += pieces[id].Length;
                }
            // Invalid or unfinished UTF-8 (a character split across byte tokens) becomes U+FFFD.
            return Encoding.UTF8.GetString(buffer, 0, length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public byte[] TokenBytes(int id) => Renders(id, skipSpecialTokens: true) ? (_pieces ??= BuildPieces())[id] : [];

    // Like llama.cpp's token_to_piece: control and unknown tokens only when special tokens are wanted; ids out of range never.
    private bool Renders(int id, bool skipSpecialTokens) =>
        (uint)id < (uint)Vocab.Tokens.Length && !(skipSpecialTokens && Vocab.Types[id] is GgufVocabulary.Control or GgufVocabulary.Unknown);

    /// <summary>Every token's bytes, as llama.cpp caches them: built once, on the first decode.</summary>
    private byte[][] BuildPieces()
    {
        var pieces = new byte[Vocab.Tokens.Length][];
        for (var id = 0; id < pieces.Length; id++)
        {
            var token = Vocab.Tokens[id];
            pieces[id] = Vocab.Types[id] switch
            {
                GgufVocabulary.Control or GgufVocabulary.Unknown or GgufVocabulary.UserDefined => Encoding.UTF8.GetBytes(token),
                GgufVocabulary.Normal => NormalTokenBytes(token),
                GgufVocabulary.Byte when token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>'
                    && byte.TryParse(token.AsSpan(3, 2), System.Globalization.NumberStyles.HexNumber, null, out var b) => [b],
                _ => [], // unused and undefined tokens render as nothing, as in llama.cpp
            };
        }
        return pieces;
    }

    /// <summary>The bytes a normal token stands for.</summary>
    protected abstract byte[] NormalTokenBytes(string token);
}
