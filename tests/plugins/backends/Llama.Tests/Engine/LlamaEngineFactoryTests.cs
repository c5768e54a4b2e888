using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.Plugins;
using Dynamo.Abstractions.Requests;
using Dynamo.Backends.Llama.Engine;
using Microsoft.Extensions.Configuration;

namespace Dynamo.Backends.Llama.Tests.Engine;

public sealed class LlamaEngineFactoryTests
{
    private sealed class NoServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }

    private static async Task<int[]> GreedyAsync(IEngine engine)
    {
        var tokens = new List<int>();
        var request = new EngineRequest("r", [1, 15043, 3186], SamplingParams.Greedy, new StopConditions(6, []), RequestMetadata.Empty);
        await foreach (var output in engine.GenerateAsync(request, CancellationToken.None))
            tokens.AddRange(output.TokenIds);
        return [.. tokens];
    }

    [SkippableFact]
    public async Task RandomWeightsOverAVocabularyFileAreTheSameEveryTime()
    {
        var options = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["RandomWeights"] = "true" }).Build();
        var context = new ComponentContext("tiny", "llama", options, new NoServices()) { ModelPath = SharedFiles.Vocab("ggml-vocab-llama-spm.gguf") };

        await using var first = new LlamaEngineFactory().Create(context);
        await using var second = new LlamaEngineFactory().Create(context);

        var tokens = await GreedyAsync(first);
        Assert.Equal(6, tokens.Length);
        Assert.Equal(tokens, await GreedyAsync(second));
    }

    [SkippableFact]
    public void AMissingModelFileIsAClearError()
    {
        var options = new ConfigurationBuilder().Build();
        var context = new ComponentContext("m", "llama", options, new NoServices()) { ModelPath = "/nonexistent/model.gguf" };

        var error = Assert.ThrowsAny<Exception>(() => new LlamaEngineFactory().Create(context));

        Assert.Contains("/nonexistent/model.gguf", error.Message);
        Assert.Contains("does not exist", error.Message);
    }
}
