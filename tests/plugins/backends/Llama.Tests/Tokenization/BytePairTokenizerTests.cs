using System.Diagnostics;
using System.Text;
using Dynamo.Backends.Llama.Gguf;
using Dynamo.Backends.Llama.Tokenization;

namespace Dynamo.Backends.Llama.Tests.Tokenization;

/// <summary>Byte-level BPE beyond the vectors: the merge queue against a plain rescan, long words, decoding, clear errors.</summary>
public sealed class BytePairTokenizerTests
{
    [SkippableTheory]
    [InlineData("gpt-2")]
    [InlineData("falcon")]
    public void MergesMatchAPlainLowestRankRescan(string vocab)
    {
        using var file = GgufFile.Open(SharedFiles.Vocab($"ggml-vocab-{vocab}.gguf"));
        var tokenizer = GgufTokenizer.FromGguf(file);
        var reference = new RescanReference(file);
        var random = new Random(7);
        string[] alphabet = ["a", "e", "th", "in", "Q", "z", " ", "  ", "\n", "1", "23", "'s", ".", ",", "é", "ß", "я", "中", "🦙", "😶‍🌫️", "\t"];

        for (var n = 0; n < 200; n++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(1, 80)).Select(_ => alphabet[random.Next(alphabet.Length)]));
            Assert.Equal(reference.Encode(text), tokenizer.Encode(text, addSpecialTokens: false, parseSpecial: false));
        }
        var word = string.Concat(Enumerable.Range(0, 3000).Select(_ => alphabet[random.Next(6)].Trim()));
        Assert.Equal(reference.Encode(word), tokenizer.Encode(word, addSpecialTokens: false));
    }

    [SkippableFact]
    public void AVeryLongWordIsNotQuadratic()
    {
        using var file = GgufFile.Open(SharedFiles.Vocab("ggml-vocab-gpt-2.gguf"));
        var tokenizer = GgufTokenizer.FromGguf(file);
        var random = new Random(3);
        var word = new string(Enumerable.Range(0, 200_000).Select(_ => (char)('a' + random.Next(26))).ToArray());
        tokenizer.Encode("warm up", addSpecialTokens: false);

        var clock = Stopwatch.StartNew();
        var ids = tokenizer.Encode(word, addSpecialTokens: false);

        Assert.InRange(clock.Elapsed.TotalSeconds, 0, 5); // a rescan per merge would take minutes
        Assert.Equal(word, tokenizer.Decode(ids));
    }

    [SkippableFact]
    public void AnUnfinishedCharacterDecodesToTheReplacementCharacter()
    {
        using var file = GgufFile.Open(SharedFiles.Vocab("ggml-vocab-gpt-2.gguf"));
        var tokenizer = GgufTokenizer.FromGguf(file);
        var ids = tokenizer.Encode("🚀", addSpecialTokens: false);

        Assert.True(ids.Length > 1, "🚀 is more than one token in GPT-2");
        Assert.EndsWith("\uFFFD", tokenizer.Decode(ids.AsSpan(0, ids.Length - 1)));
        Assert.Equal("🚀", tokenizer.Decode(ids));
    }

    [SkippableFact]
    public void EndOfTextIsParsedOnlyWhenAskedAndSkippedWhenDecoding()
    {
        using var file = GgufFile.Open(SharedFiles.Vocab("ggml-vocab-gpt-2.gguf"));
        var tokenizer = GgufTokenizer.FromGguf(file);

        var ids = tokenizer.Encode("Hi<|endoftext|>", addSpecialTokens: true); // GPT-2 adds no BOS

        Assert.Equal([.. tokenizer.Encode("Hi", addSpecialTokens: false), 50256], ids);
        Assert.DoesNotContain(50256, tokenizer.Encode("Hi<|endoftext|>", addSpecialTokens: false, parseSpecial: false));
        Assert.Equal("Hi", tokenizer.Decode(ids));
        Assert.Equal("Hi<|endoftext|>", tokenizer.Decode(ids, skipSpecialTokens: false));
        Assert.Equal([50256], tokenizer.EosTokenIds);
    }

    [SkippableFact]
    public void OtherTokenizerModelsAndPreTokenizersAreClearErrors()
    {
        var path = Path.Combine(Path.GetTempPath(), $"vocab-{Guid.NewGuid():N}.gguf");
        try
        {
            new GgufWriter().Set("tokenizer.ggml.model", "bert").Set("tokenizer.ggml.tokens", new[] { "a" }).Write(path);
            using (var file = GgufFile.Open(path))
            {
                var error = Assert.Throws<GgufFormatException>(() => GgufTokenizer.FromGguf(file));
                Assert.Contains(path, error.Message);
                Assert.Contains("'bert' is not supported", error.Message);
            }
            new GgufWriter().Set("tokenizer.ggml.model", "gpt2").Set("tokenizer.ggml.pre", "made-up").Set("tokenizer.ggml.tokens", new[] { "a" })
                .Set("tokenizer.ggml.merges", Array.Empty<string>()).Write(path);
            using (var file = GgufFile.Open(path))
                Assert.Contains("pre-tokenizer 'made-up' is not supported", Assert.Throws<GgufFormatException>(() => GgufTokenizer.FromGguf(file)).Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The textbook algorithm: pre-tokenize, then repeatedly merge the lowest-ranked adjacent pair (leftmost on ties).</summary>
    private sealed class RescanReference
    {
        private readonly Dictionary<(string, string), int> _ranks = [];
        private readonly Dictionary<string, int> _ids = [];
        private readonly PreTokenizer _preTokenizer;

        public RescanReference(GgufFile file)
        {
            var merges = file.Get<string[]>("tokenizer.ggml.merges");
            for (var i = 0; i < merges.Length; i++)
            {
                var space = merges[i].IndexOf(' ', 1);
                _ranks.TryAdd((merges[i][..space], merges[i][(space + 1)..]), i);
            }
            var tokens = file.Get<string[]>("tokenizer.ggml.tokens");
            for (var i = 0; i < tokens.Length; i++)
                _ids.TryAdd(tokens[i], i);
            _preTokenizer = PreTokenizer.ForGguf(file.Get<string>("tokenizer.ggml.pre"), file.Path);
        }

        public int[] Encode(string text)
        {
            var output = new List<int>();
            foreach (var (start, length) in _preTokenizer.Split(text))
            {
                var symbols = Encoding.UTF8.GetBytes(text.Substring(start, length)).Select(b => ByteLevel.ToChar(b).ToString()).ToList();
                while (true)
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
                output.AddRange(symbols.Select(s => _ids[s]));
            }
            return [.. output];
        }
    }
}
