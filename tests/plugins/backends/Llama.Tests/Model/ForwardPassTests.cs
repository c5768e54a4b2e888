using Dynamo.Backends.Llama.Gguf;
using Dynamo.Backends.Llama.Model;
using Dynamo.Backends.Llama.Tests.Infrastructure;

namespace Dynamo.Backends.Llama.Tests.Model;

/// <summary>The engine's forward pass against the naive double-precision reference, per architecture and tensor type.</summary>
public sealed class ForwardPassTests
{
    public static TheoryData<string, string, bool> Models => new()
    {
        { "llama", "F32", false },
        { "llama", "F16", true },
        { "llama", "BF16", false },
        { "llama", "Q8_0", false },
        { "llama", "Q4_0", false },
        { "mistral", "F32", false },
        { "qwen2", "F32", true },
        { "qwen3", "F16", true },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void LogitsMatchTheReferenceAndGreedyTokensAreIdentical(string architecture, string typeName, bool tied)
    {
        var type = Enum.Parse<GgmlType>(typeName);
        var tiny = TinyModel.Generate(architecture, type, tied);
        LlamaModel model;
        using (var file = GgufFile.Open(tiny.Path))
            model = LlamaModel.Load(file);
        File.Delete(tiny.Path);

        var tokens = new List<int> { 3, 17, 42, 5, 9 };
        var state = model.NewSequence(64);
        foreach (var t in tokens)
            model.Forward(state, t);
        for (var step = 0; step < 8; step++)
        {
            var expected = NaiveReference.Logits(tiny, tokens);
            var actual = state.Logits;
            var scale = expected.Max(Math.Abs);
            var worst = expected.Select((e, i) => Math.Abs(e - actual[i])).Max();
            Assert.True(worst / scale < 1e-4, $"{architecture}/{type} step {step}: max error {worst} against logits up to {scale}");
            var greedy = Array.IndexOf(expected, expected.Max());
            Assert.Equal(greedy, Array.IndexOf(actual, actual.Max()));
            tokens.Add(greedy);
            model.Forward(state, greedy);
        }
    }

    [Fact]
    public void StoriesModelTellsAStoryGreedily()
    {
        using var file = GgufFile.Open(SharedFiles.Model("stories260K.gguf"));
        var model = LlamaModel.Load(file);
        var vocabulary = file.Get<string[]>("tokenizer.ggml.tokens");
        var state = model.NewSequence(64);
        var token = 1; // BOS
        var text = "";
        for (var i = 0; i < 20; i++)
        {
            model.Forward(state, token);
            token = Array.IndexOf(state.Logits, state.Logits.Max());
            text += vocabulary[token].Replace('\u2581', ' ');
        }

        Assert.StartsWith(" Once upon a time, there was a little girl named Lily.", text);
    }

    [Theory]
    [InlineData("llama", false, false)]
    [InlineData("qwen2", true, true)]
    [InlineData("qwen3", true, false)]
    public void HuggingFaceCheckpointsLoadAndMatchTheReference(string architecture, bool f16, bool tied)
    {
        var tiny = TinyModel.Generate(architecture, f16 ? GgmlType.F16 : GgmlType.F32, tied, seed: 11);
        var folder = HuggingFaceFolder.Write(tiny, f16);
        var model = LlamaModel.Load(folder);
        Directory.Delete(folder, recursive: true);
        File.Delete(tiny.Path);

        var tokens = new List<int> { 7, 1, 33, 60 };
        var state = model.NewSequence(32);
        foreach (var t in tokens)
            model.Forward(state, t);
        var expected = NaiveReference.Logits(tiny, tokens, halfSplit: true);

        var scale = expected.Max(Math.Abs);
        Assert.True(expected.Select((e, i) => Math.Abs(e - state.Logits[i])).Max() / scale < 1e-4);
        Assert.Equal(RopeStyle.HalfSplit, model.Config.Rope);
    }

    [Fact]
    public void AFolderWithoutConfigIsAClearError()
    {
        var folder = Directory.CreateTempSubdirectory().FullName;

        var error = Assert.Throws<GgufFormatException>(() => LlamaModel.Load(folder));

        Assert.Contains("config.json", error.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AWholePromptInOneBatchEqualsTokenByToken(bool wide)
    {
        // 128 positions: enough attention work for the batch to split across cores; a wide model's
        // norms, residuals and activations split too, and its products take the packed prefill tiles.
        var shape = wide ? new ModelGenerator.Shape(Dim: 256, Layers: 2, Heads: 4, KvHeads: 2, HeadDim: 64, Ffn: 512, Vocab: 64, Context: 128) : null;
        var tiny = TinyModel.Generate("llama", seed: 3, shape: shape);
        LlamaModel model;
        using (var file = GgufFile.Open(tiny.Path))
            model = LlamaModel.Load(file);
        File.Delete(tiny.Path);
        var prompt = Enumerable.Range(0, 128).Select(i => i * 7 % 64).ToArray();

        var batched = model.NewSequence(128);
        model.Forward(prompt.Select((t, i) => new BatchItem(batched, t, i, WantLogits: i == prompt.Length - 1)).ToArray(), model.NewScratch(128, 1));
        var single = model.NewSequence(128);
        foreach (var t in prompt)
            model.Forward(single, t);

        var scale = single.Logits.Max(Math.Abs);
        Assert.All(Enumerable.Range(0, single.Logits.Length), i => Assert.True(Math.Abs(single.Logits[i] - batched.Logits[i]) <= 1e-5 * scale));
        Assert.Equal(128, batched.Length);
    }
}
