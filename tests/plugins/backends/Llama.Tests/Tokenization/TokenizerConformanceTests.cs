using Dynamo.Backends.Llama.Gguf;
using Dynamo.Backends.Llama.Tokenization;
using Xunit.Abstractions;

namespace Dynamo.Backends.Llama.Tests.Tokenization;

/// <summary>
/// Every vocabulary in ../shared/vocab reproduces llama.cpp's ids for every test input, and the
/// expected ids decode back to the input.
/// </summary>
public sealed class TokenizerConformanceTests(ITestOutputHelper output)
{
    /// <param name="spacePrefixed">
    /// SentencePiece vocabularies put a space before the text (add_space_prefix). llama.cpp's
    /// detokenizer drops the first token's leading space again; ours keeps it, because the server
    /// decodes windows from the middle of a sequence where that space belongs to the text. So those
    /// vectors decode to " " + input, and that is what is checked.
    /// </param>
    [SkippableTheory]
    [InlineData("llama-spm", true)]
    [InlineData("phi-3", true)]
    [InlineData("gpt-2", false)]
    [InlineData("starcoder", false)]
    [InlineData("falcon", false)]
    [InlineData("deepseek-coder", false)]
    public void EveryVectorEncodesToLlamaCppsIdsAndDecodesBack(string vocab, bool spacePrefixed)
    {
        using var file = GgufFile.Open(SharedFiles.Vocab($"ggml-vocab-{vocab}.gguf"));
        var tokenizer = GgufTokenizer.FromGguf(file);
        var vectors = VocabVectors.Load(vocab);
        var failures = new List<string>();
        var (encoded, decoded) = (0, 0);

        foreach (var (text, expected) in vectors)
        {
            // As test-tokenizer-0 does: no BOS, special tokens in the text not parsed.
            var actual = tokenizer.Encode(text, addSpecialTokens: false, parseSpecial: false);
            // The server's way (special tokens parsed): no vector holds special-token text, so the same ids.
            var served = tokenizer.Encode(text, addSpecialTokens: false);
            if (actual.SequenceEqual(expected) && served.SequenceEqual(expected))
                encoded++;
            else
                failures.Add($"{Escape(text)}: expected [{string.Join(' ', expected)}], got [{string.Join(' ', actual)}] / [{string.Join(' ', served)}]");
            var back = tokenizer.Decode(expected);
            if (back == (spacePrefixed && text.Length > 0 ? " " + text : text))
                decoded++;
            else
                failures.Add($"{Escape(text)}: decodes to {Escape(back)}");
        }

        output.WriteLine($"{vocab}: {encoded}/{vectors.Count} vectors encode to llama.cpp's ids, {decoded}/{vectors.Count} decode back");
        Assert.Equal(46, vectors.Count);
        Assert.True(failures.Count == 0, $"{failures.Count} checks failed:\n{string.Join("\n", failures)}");
    }

    private static string Escape(string s) => System.Text.Json.JsonSerializer.Serialize(s);
}
