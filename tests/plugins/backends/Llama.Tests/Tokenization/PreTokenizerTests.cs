using Dynamo.Backends.Llama.Tokenization;

namespace Dynamo.Backends.Llama.Tests.Tokenization;

/// <summary>The pre-tokenizer expressions llama.cpp picks by <c>tokenizer.ggml.pre</c>, matched per code point.</summary>
public sealed class PreTokenizerTests
{
    [Fact]
    public void TheDefaultIsLlamaCppsDefaultNotPlainGpt2()
    {
        // Punctuation runs, then GPT-2's expression, then digit runs, then groups of three digits.
        Assert.Equal(["Hello", ",", " world", " ", "123", "45"], Words(null, "Hello, world 12345"));
        Assert.Equal(["Hello", ",", " world", " 12345"], Words("gpt-2", "Hello, world 12345"));
    }

    [Fact]
    public void CharactersOutsideTheBmpAreMatchedByTheirCategory()
    {
        // 𝐀 (U+1D400) is an uppercase letter and 𠀀 (U+20000) another letter: they stay in their word, as in llama.cpp.
        Assert.Equal(["a𝐀b", " 𠀀x", " 🦙"], Words("gpt-2", "a𝐀b 𠀀x 🦙"));
        // 𝟙 and 𝟚 (U+1D7D9, U+1D7DA) are digits: starcoder splits digits one by one.
        Assert.Equal(["x", "𝟙", "𝟚"], Words("starcoder", "x𝟙𝟚"));
    }

    private static string[] Words(string? pre, string text) =>
        [.. PreTokenizer.ForGguf(pre, "test.gguf").Split(text).Select(w => text.Substring(w.Start, w.Length))];
}
