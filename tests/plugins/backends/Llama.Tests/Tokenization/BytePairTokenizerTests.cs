using Dynamo.Backends.Llama.Gguf;
using Dynamo.Backends.Llama.Tokenization;

namespace Dynamo.Backends.Llama.Tests.Tokenization;

/// <summary>The byte-level BPE vocabularies reproduce llama.cpp's ids for every test input, and decode back exactly.</summary>
public sealed class BytePairTokenizerTests
{
    [Theory]
    [InlineData("gpt-2")]
    [InlineData("starcoder")]
    [InlineData("falcon")]
    [InlineData("deepseek-coder")]
    public void EveryVectorEncodesToLlamaCppsIdsAndDecodesBack(string vocab)
    {
        using var file = GgufFile.Open(SharedFiles.Vocab($"ggml-vocab-{vocab}.gguf"));
        var tokenizer = GgufTokenizers.Create(file);
        var failures = new List<string>();
        var vectors = VocabVectors.Load(vocab);

        foreach (var (text, expected) in vectors)
        {
            var actual = tokenizer.Encode(text, addSpecialTokens: false);
            if (!actual.SequenceEqual(expected))
                failures.Add($"{Escape(text)}: expected [{string.Join(' ', expected)}], got [{string.Join(' ', actual)}]");
            var decoded = tokenizer.Decode(expected);
            if (decoded != text)
                failures.Add($"{Escape(text)}: decodes to {Escape(decoded)}");
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {2 * vectors.Count} checks failed:\n{string.Join("\n", failures)}");
    }

    private static string Escape(string s) => System.Text.Json.JsonSerializer.Serialize(s);
}
