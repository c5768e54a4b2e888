using Dynamo.Backends.Llama.Gguf;
using Dynamo.Backends.Llama.Tokenization;

namespace Dynamo.Backends.Llama.Tests.Tokenization;

/// <summary>SentencePiece-style behaviour beyond the vectors: BOS, special tokens in text, end of generation, unfinished characters.</summary>
public sealed class SentencePieceTokenizerTests
{
    [SkippableFact]
    public void WithSpecialTokensLlamaSpmPutsBosFirst()
    {
        using var file = GgufFile.Open(SharedFiles.Vocab("ggml-vocab-llama-spm.gguf"));
        var tokenizer = GgufTokenizer.FromGguf(file);
        var plain = tokenizer.Encode("Hello world", addSpecialTokens: false);

        Assert.Equal([1, .. plain], tokenizer.Encode("Hello world", addSpecialTokens: true));
        Assert.Equal([1], tokenizer.Encode("", addSpecialTokens: true)); // as Hugging Face: BOS alone
        Assert.Empty(tokenizer.Encode("", addSpecialTokens: false));
        Assert.Equal("<s>", tokenizer.BosToken);
        Assert.Equal("</s>", tokenizer.EosToken);
        Assert.Equal([2], tokenizer.EosTokenIds);
        Assert.Equal(" Hello world", tokenizer.Decode([1, .. plain]));
        Assert.Equal("<s> Hello world", tokenizer.Decode([1, .. plain], skipSpecialTokens: false));
    }

    [SkippableFact]
    public void ControlTokensInTextAreParsedOnlyWhenAsked()
    {
        using var file = GgufFile.Open(SharedFiles.Vocab("ggml-vocab-llama-spm.gguf"));
        var tokenizer = GgufTokenizer.FromGguf(file);

        // After a special token the text gets its space prefix again, as at the start of the input.
        Assert.Equal([1, .. tokenizer.Encode("Hi", addSpecialTokens: false), 2], tokenizer.Encode("<s>Hi</s>", addSpecialTokens: false));
        var literal = tokenizer.Encode("<s>Hi</s>", addSpecialTokens: false, parseSpecial: false);
        Assert.DoesNotContain(1, literal);
        Assert.DoesNotContain(2, literal);
        Assert.Equal(" <s>Hi</s>", tokenizer.Decode(literal));
    }

    [SkippableFact]
    public void Phi3SpecialTokensSwallowTheWhitespaceAfterThem()
    {
        using var file = GgufFile.Open(SharedFiles.Vocab("ggml-vocab-phi-3.gguf"));
        var tokenizer = GgufTokenizer.FromGguf(file);

        // llama.cpp gives Phi-3's special tokens rstrip (by general.name): the newlines after them go.
        var ids = tokenizer.Encode("<|user|>\nHi<|end|>\n<|assistant|>\n", addSpecialTokens: true);

        Assert.Equal([1, 32010, .. tokenizer.Encode("Hi", addSpecialTokens: false), 32007, 32001], ids);
        Assert.Equal(" Hi", tokenizer.Decode(ids));
        Assert.Equal([2, 32000, 32007], tokenizer.EosTokenIds); // </s>, <|endoftext|> (EOS) and <|end|>, which ends a turn
    }

    [SkippableFact]
    public void LongerSpecialTokensAreCutOutFirst()
    {
        // llama.cpp cuts special tokens out longest first over the whole text, not leftmost first.
        string[] tokens = ["<unk>", "<s>", "</s>", "▁", "a", "ab", "bcd"];
        var vocab = new GgufVocabulary(tokens, [2, 3, 3, 1, 1, 4, 4], new float[tokens.Length], 1, 2, 0, true, false, []);
        var tokenizer = new SentencePieceTokenizer(vocab, addSpacePrefix: true);

        Assert.Equal([3, 4, 6], tokenizer.Encode("abcd", addSpecialTokens: false));
        Assert.Equal([5, 3, 3], tokenizer.Encode("ab ", addSpecialTokens: false)); // the space after it gets a space prefix: ▁▁
    }

    [SkippableFact]
    public void AnUnfinishedCharacterDecodesToTheReplacementCharacter()
    {
        using var file = GgufFile.Open(SharedFiles.Vocab("ggml-vocab-llama-spm.gguf"));
        var tokenizer = GgufTokenizer.FromGguf(file);
        var tokens = file.Get<string[]>("tokenizer.ggml.tokens");

        var ids = tokenizer.Encode("🚀", addSpecialTokens: false); // not in the vocabulary: ▁ and four byte tokens

        Assert.Equal(["▁", "<0xF0>", "<0x9F>", "<0x9A>", "<0x80>"], ids.Select(id => tokens[id]));
        for (var n = 2; n < ids.Length; n++)
            Assert.Equal(" \uFFFD", tokenizer.Decode(ids.AsSpan(0, n)));
        Assert.Equal(" 🚀", tokenizer.Decode(ids));
        Assert.Equal("🚀", tokenizer.Decode(ids.AsSpan(1)));
    }
}
