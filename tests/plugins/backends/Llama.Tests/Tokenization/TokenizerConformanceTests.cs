using Dynamo.Backends.Llama.Gguf;
using Dynamo.Backends.Llama.Tokenization;

namespace Dynamo.Backends.Llama.Tests.Tokenization;

/// <summary>Every vocabulary in ../shared/vocab reproduces llama.cpp's ids for every test input, and decodes back.</summary>
public sealed class TokenizerConformanceTests
{
    [Theory]
    [InlineData("llama-spm", true)]
    [InlineData("phi-3", true)]
    [InlineData("gpt-2", false)]
    [InlineData("starcoder", false)]
    [InlineData("falcon", false)]
    [InlineData("deepseek-coder", false)]
    public void EveryVectorEncodesToLlamaCppsIdsAndDecodesBack(string vocab, bool spacePrefixed)
    {
        using var file = GgufFile.Open(SharedFiles.Vocab($"ggml-vocab-{vocab}.gguf"));
        var tokenizer = GgufTokenizers.Create(file);
        var vectors = VocabVectors.Load(vocab);
        var failures = new List<string>();

        foreach (var (text, expected) in vectors)
        {
            var actual = tokenizer.Encode(text, addSpecialTokens: false);
            if (!actual.SequenceEqual(expected))
                failures.Add($"{Escape(text)}: expected [{string.Join(' ', expected)}], got [{string.Join(' ', actual)}]");
            // SentencePiece vocabularies put a space before the text; that space is the only difference on the way back.
            var decoded = tokenizer.Decode(expected);
            if (decoded != (spacePrefixed && text.Length > 0 ? " " + text : text))
                failures.Add($"{Escape(text)}: decodes to {Escape(decoded)}");
        }

        Assert.True(vectors.Count > 40, "the vectors were not read");
        Assert.True(failures.Count == 0, $"{failures.Count} of {2 * vectors.Count} checks failed:\n{string.Join("\n", failures)}");
    }

    private static string Escape(string s) => System.Text.Json.JsonSerializer.Serialize(s);
}
