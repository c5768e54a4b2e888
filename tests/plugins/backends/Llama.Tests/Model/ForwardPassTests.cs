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
}
