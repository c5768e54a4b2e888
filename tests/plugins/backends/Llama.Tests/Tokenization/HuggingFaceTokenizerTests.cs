using System.Text.Json;
using Dynamo.Backends.Llama.Gguf;
using Dynamo.Backends.Llama.Tokenization;

namespace Dynamo.Backends.Llama.Tests.Tokenization;

/// <summary>
/// tokenizer.json files written from the shared GGUF vocabularies (vocab, merges, added tokens,
/// the family's pre-tokenizer as Hugging Face spells it) reproduce llama.cpp's test vectors.
/// </summary>
public sealed class HuggingFaceTokenizerTests
{
    [SkippableTheory]
    [InlineData("gpt-2")]
    [InlineData("deepseek-coder")]
    public void ATokenizerJsonReproducesTheVectors(string vocab)
    {
        var folder = WriteTokenizerJson(vocab);
        var tokenizer = HuggingFaceTokenizer.Load(folder);
        var failures = VocabVectors.Load(vocab)
            .Where(v => !tokenizer.Encode(v.Text, addSpecialTokens: false).SequenceEqual(v.Ids) || tokenizer.Decode(v.Ids) != v.Text)
            .Select(v => JsonSerializer.Serialize(v.Text)).ToList();

        Assert.Empty(failures);
        Assert.Contains(tokenizer.EosTokenIds, id => tokenizer.Decode([id], skipSpecialTokens: false) == tokenizer.EosToken);
        Directory.Delete(folder, recursive: true);
    }

    [SkippableFact]
    public void ANonByteLevelTokenizerIsAClearError()
    {
        var folder = Directory.CreateTempSubdirectory().FullName;
        File.WriteAllText(Path.Combine(folder, "tokenizer.json"), """{"model":{"type":"Unigram","vocab":[]},"pre_tokenizer":null}""");

        Assert.Contains("only byte-level BPE", Assert.Throws<GgufFormatException>(() => HuggingFaceTokenizer.Load(folder)).Message);
    }

    private static string WriteTokenizerJson(string vocab)
    {
        using var file = GgufFile.Open(SharedFiles.Vocab($"ggml-vocab-{vocab}.gguf"));
        var tokens = file.Get<string[]>("tokenizer.ggml.tokens");
        var types = file.Get<int[]>("tokenizer.ggml.token_type");
        var normal = Enumerable.Range(0, tokens.Length).Where(i => types[i] == 1).ToDictionary(i => tokens[i], i => i);
        var added = Enumerable.Range(0, tokens.Length).Where(i => types[i] != 1)
            .Select(i => new { id = i, content = tokens[i], special = types[i] == 3 }).ToArray();
        object preTokenizer = vocab == "gpt-2"
            ? new { type = "ByteLevel", add_prefix_space = false, use_regex = true }
            : new
            {
                type = "Sequence",
                pretokenizers = new object[]
                {
                    Split(@"[\r\n]"), Split(@"\s?\p{L}+"), Split(@"\s?\p{P}+"), Split("[\u4E00-\u9FA5\u0800-\u4E00\uAC00-\uD7FF]+"), Split(@"\p{N}"),
                    new { type = "ByteLevel", add_prefix_space = false, use_regex = false },
                },
            };
        var folder = Directory.CreateTempSubdirectory().FullName;
        File.WriteAllText(Path.Combine(folder, "tokenizer.json"), JsonSerializer.Serialize(new
        {
            added_tokens = added,
            pre_tokenizer = preTokenizer,
            model = new { type = "BPE", vocab = normal, merges = file.Get<string[]>("tokenizer.ggml.merges").Select(m => m.Split(' ')).ToArray() },
        }));
        var eos = tokens[(int)file.Get<uint>("tokenizer.ggml.eos_token_id")];
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), JsonSerializer.Serialize(new { eos_token = new { content = eos }, add_bos_token = false }));
        return folder;
    }

    private static object Split(string regex) => new { type = "Split", pattern = new { Regex = regex }, behavior = "Isolated", invert = false };
}
