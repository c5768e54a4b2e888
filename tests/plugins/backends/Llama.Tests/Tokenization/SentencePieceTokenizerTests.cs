using Dynamo.Backends.Llama.Gguf;
using Dynamo.Backends.Llama.Tokenization;

namespace Dynamo.Backends.Llama.Tests.Tokenization;

/// <summary>SentencePiece-specific behaviour: BOS, special tokens in text, end-of-turn ids, unfinished characters.</summary>
public sealed class SentencePieceTokenizerTests
{
    [Fact]
    public void BosIsAddedWithSpecialTokensAndSpecialTextBecomesItsToken()
    {
        using var file = GgufFile.Open(SharedFiles.Vocab("ggml-vocab-phi-3.gguf"));
        var tokenizer = GgufTokenizers.Create(file);

        var ids = tokenizer.Encode("<|user|>\nHi<|end|>", addSpecialTokens: true);

        Assert.Equal(1, ids[0]); // <s>
        Assert.Equal(32010, ids[1]); // <|user|>
        Assert.Equal(32007, ids[^1]); // <|end|>
        Assert.Equal([32000, 32007], tokenizer.EosTokenIds); // EOS, and <|end|> which ends a turn
        Assert.Equal("\nHi", tokenizer.Decode(ids).TrimStart(' '));
    }

    [Fact]
    public void AnUnfinishedCharacterDecodesToTheReplacementCharacter()
    {
        using var file = GgufFile.Open(SharedFiles.Vocab("ggml-vocab-llama-spm.gguf"));
        var tokenizer = GgufTokenizers.Create(file);
        var ids = tokenizer.Encode("🚀", addSpecialTokens: false); // not in the vocabulary: ▁ and four byte tokens

        Assert.Equal(5, ids.Length);
        Assert.Equal(" \uFFFD", tokenizer.Decode(ids[..3]));
        Assert.Equal(" 🚀", tokenizer.Decode(ids));
    }

    private static string Escape(string s) => System.Text.Json.JsonSerializer.Serialize(s);
}
