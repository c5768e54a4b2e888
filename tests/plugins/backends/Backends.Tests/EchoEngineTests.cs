using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.Requests;
using Dynamo.Backends.Echo;

namespace Dynamo.Backends.Tests;

public sealed class EchoEngineTests
{
    private static EngineRequest Request(int[] prompt, int maxTokens) =>
        new("r", prompt, SamplingParams.Greedy, new StopConditions(maxTokens, []), RequestMetadata.Empty);

    [Fact]
    public async Task EchoesThePromptTokenByTokenWithTheConfiguredDelay()
    {
        var clock = new VirtualClock();
        await using var engine = new EchoEngine(new EchoOptions(DelayMs: 7, MaxContextLength: 100), clock);

        var outputs = new List<EngineOutput>();
        await foreach (var o in engine.GenerateAsync(Request([5, 6, 7], 10), CancellationToken.None))
            outputs.Add(o);

        Assert.Equal([5, 6, 7], outputs.SelectMany(o => o.TokenIds));
        Assert.Equal(FinishReason.Stop, outputs[^1].FinishReason);
        Assert.Equal(new EngineUsage(3, 3, 0), outputs[^1].Usage);
        Assert.Equal(21, clock.Now.TotalMilliseconds, 3);
    }

    [Fact]
    public async Task StopsAtMaxTokensWithLength()
    {
        await using var engine = new EchoEngine(new EchoOptions(0, 100), TimeProvider.System);

        var outputs = new List<EngineOutput>();
        await foreach (var o in engine.GenerateAsync(Request([1, 2, 3, 4], 2), CancellationToken.None))
            outputs.Add(o);

        Assert.Equal([1, 2], outputs.SelectMany(o => o.TokenIds));
        Assert.Equal(FinishReason.Length, outputs[^1].FinishReason);
    }
}
