using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Dynamo.Abstractions.Constraints;
using Dynamo.Abstractions.Preprocessing;
using Dynamo.Grammar.Pda;
using Json.Schema;
using Xunit.Abstractions;

namespace Dynamo.Grammar.Tests;

/// <summary>Grammars over real vocabularies: SentencePiece with byte fallback (▁ for spaces) and byte-level BPE.</summary>
public sealed class RealVocabularyTests(ITestOutputHelper output)
{
    private const string Schema = """{"type":"object","properties":{"name":{"type":"string","maxLength":20},"age":{"type":"integer","minimum":0,"maximum":120},"city":{"enum":["Paris","Tokyo","New York"]},"tags":{"type":"array","items":{"type":"string"},"maxItems":4}},"required":["name","age","city"]}""";

    [Fact]
    public void The_shipped_models_vocabulary_writes_valid_json() => WritesValidJson(Vocabularies.Stories260K());

    [SkippableFact]
    public void A_32k_sentencepiece_vocabulary_writes_valid_json() => WritesValidJson(Vocabularies.Shared("ggml-vocab-llama-spm.gguf"));

    [SkippableFact]
    public void A_50k_byte_level_bpe_vocabulary_writes_valid_json() => WritesValidJson(Vocabularies.Shared("ggml-vocab-gpt-2.gguf"));

    private void WritesValidJson(ITokenizer tokenizer)
    {
        var clock = Stopwatch.StartNew();
        var grammar = new PdaGrammarCompiler().Compile(new JsonSchemaGrammar(JsonDocument.Parse(Schema).RootElement.Clone()), tokenizer);
        output.WriteLine($"compile {clock.Elapsed.TotalMilliseconds:F2} ms, vocabulary {tokenizer.VocabSize}");
        var schema = JsonSchema.FromText(Schema);
        var random = new Random(7);
        var strict = new UTF8Encoding(false, true);
        for (var i = 0; i < 8; i++)
        {
            clock.Restart();
            var result = Generation.Walk(grammar, tokenizer, random, budget: 120);
            var text = strict.GetString(result.Tokens.SelectMany(tokenizer.TokenBytes).ToArray());
            output.WriteLine($"{clock.Elapsed.TotalMilliseconds:F1} ms for {result.Tokens.Count} tokens: {text}");
            Assert.True(result.Finished);
            Assert.Equal(text, tokenizer.Decode(result.Tokens.ToArray())); // the tokens decode to what the grammar read
            Assert.True(schema.Evaluate(JsonDocument.Parse(text).RootElement).IsValid, text);
        }
        // A sample of tokens against a direct run, at the end of the last walk's first few steps.
        var sample = Generation.Walk(grammar, tokenizer, random, budget: 120);
        var mask = new ulong[(tokenizer.VocabSize + 63) / 64];
        for (var step = 0; step < Math.Min(6, sample.Tokens.Count); step++)
        {
            var matcher = Replay(grammar, sample.Tokens, step);
            matcher.FillMask(mask);
            for (var t = 0; t < tokenizer.VocabSize; t += 1 + tokenizer.VocabSize / 2000)
                Assert.Equal((mask[t >> 6] >> (t & 63) & 1) != 0, Replay(grammar, sample.Tokens, step).Accept(t));
        }
    }

    private static ITokenMatcher Replay(ICompiledGrammar grammar, List<int> tokens, int count)
    {
        var matcher = grammar.CreateMatcher();
        foreach (var t in tokens.Take(count))
            Assert.True(matcher.Accept(t));
        return matcher;
    }
}
