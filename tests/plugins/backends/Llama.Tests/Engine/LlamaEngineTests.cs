using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.KvCache;
using Dynamo.Abstractions.Requests;
using Dynamo.Backends.Llama.Engine;
using Dynamo.Backends.Llama.Gguf;
using Dynamo.Backends.Llama.Model;
using Dynamo.Backends.Llama.Tests.Infrastructure;

namespace Dynamo.Backends.Llama.Tests.Engine;

public sealed class LlamaEngineTests : IAsyncLifetime
{
    private LlamaModel _model = null!;
    private LlamaEngine _engine = null!;

    public Task InitializeAsync()
    {
        var tiny = TinyModel.Generate("llama", seed: 5);
        using (var file = GgufFile.Open(tiny.Path))
            _model = LlamaModel.Load(file);
        File.Delete(tiny.Path);
        _engine = new LlamaEngine(_model, new LlamaEngineOptions { Path = tiny.Path, MaxBatchSize = 4, PrefillChunkTokens = 3 });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    private static EngineRequest Request(int[] prompt, int maxTokens, int[]? stopIds = null, float temperature = 0, long? seed = null) =>
        new($"r-{Guid.NewGuid():N}", prompt, new SamplingParams(temperature, Seed: seed), new StopConditions(maxTokens, stopIds ?? []), RequestMetadata.Empty);

    private async Task<List<EngineOutput>> RunAsync(EngineRequest request, CancellationToken cancellationToken = default)
    {
        var outputs = new List<EngineOutput>();
        await foreach (var output in _engine.GenerateAsync(request, cancellationToken))
            outputs.Add(output);
        return outputs;
    }

    private List<int> GreedyAlone(int[] prompt, int count)
    {
        var state = _model.NewSequence(prompt.Length + count);
        foreach (var t in prompt)
            _model.Forward(state, t);
        var tokens = new List<int>();
        for (var i = 0; i < count; i++)
        {
            var next = Array.IndexOf(state.Logits, state.Logits.Max());
            tokens.Add(next);
            if (i < count - 1)
                _model.Forward(state, next);
        }
        return tokens;
    }

    [Fact]
    public async Task LogprobsAreTheSoftmaxOfTheModelsOwnLogitsAndTheTopOneIsTheGreedyChoice()
    {
        int[] prompt = [1, 5, 9, 2];
        var outputs = await RunAsync(Request(prompt, 5) with { Logprobs = new LogprobsRequest(Top: 4) });
        var logprobs = outputs.SelectMany(o => o.Logprobs ?? []).ToList();
        Assert.Equal(5, logprobs.Count);

        // The reference: the model run by hand, a softmax in double precision.
        var state = _model.NewSequence(prompt.Length + 5);
        foreach (var t in prompt)
            _model.Forward(state, t);
        foreach (var logprob in logprobs)
        {
            var logits = state.Logits.Select(l => (double)l).ToArray();
            var max = logits.Max();
            var logSum = max + Math.Log(logits.Sum(l => Math.Exp(l - max)));
            Assert.Equal(logits[logprob.Token] - logSum, logprob.Logprob, 3);
            Assert.Equal(Array.IndexOf(logits, max), logprob.Token); // temperature 0: the top one is chosen
            Assert.Equal(logprob.Token, logprob.Top[0].Token);
            var expectedTop = logits.Select((l, i) => (l, i)).OrderByDescending(x => x.l).Take(4).Select(x => x.i);
            Assert.Equal(expectedTop, logprob.Top.Select(a => a.Token));
            _model.Forward(state, logprob.Token);
        }
    }

    [Fact]
    public async Task LogitBiasAndMinTokensShapeTheChoice()
    {
        int[] prompt = [1, 5, 9, 2];
        var greedy = GreedyAlone(prompt, 1)[0];
        // A bias of -100 takes the greedy token away; +100 on another makes it the choice.
        var banned = await RunAsync(Request(prompt, 1) with { LogitBias = new Dictionary<int, float> { [greedy] = -100 } });
        Assert.NotEqual(greedy, Assert.Single(banned.SelectMany(o => o.TokenIds)));
        var other = (greedy + 1) % _model.Config.VocabSize;
        var forced = await RunAsync(Request(prompt, 1) with { LogitBias = new Dictionary<int, float> { [other] = 100 } });
        Assert.Equal(other, Assert.Single(forced.SelectMany(o => o.TokenIds)));
        // The greedy token as a stop token ends at once; with min_tokens it is held back for that many.
        var stopped = await RunAsync(Request(prompt, 4, stopIds: [greedy]));
        Assert.Empty(stopped.SelectMany(o => o.TokenIds));
        var held = await RunAsync(Request(prompt, 4, stopIds: [greedy]) with { Stop = new StopConditions(4, [greedy], MinTokens: 2) });
        Assert.True(held.SelectMany(o => o.TokenIds).Count() >= 2);
    }

    [Fact]
    public async Task BatchedRequestsGenerateWhatEachWouldAlone()
    {
        int[][] prompts = [[1, 2, 3, 4, 5, 6, 7], [9], [10, 11, 12, 13], [30, 31, 32, 33, 34, 35, 36, 37, 38, 39], [4, 4, 4], [50, 2]];

        // Six requests on four slots with a 3-token prefill chunk: requests join and leave mid-batch.
        var results = await Task.WhenAll(prompts.Select(p => RunAsync(Request(p, 12))));

        for (var i = 0; i < prompts.Length; i++)
        {
            Assert.Equal(GreedyAlone(prompts[i], 12), results[i].SelectMany(o => o.TokenIds));
            Assert.Equal(FinishReason.Length, results[i][^1].FinishReason);
            Assert.Equal(new EngineUsage(prompts[i].Length, 12, 0), results[i][^1].Usage);
        }
    }

    [Fact]
    public async Task AStopTokenEndsWithStopAndIsNotEmitted()
    {
        var expected = GreedyAlone([1, 2, 3], 5);

        var outputs = await RunAsync(Request([1, 2, 3], 50, stopIds: [expected[3]]));

        Assert.Equal(expected.Take(3), outputs.SelectMany(o => o.TokenIds));
        Assert.Equal(FinishReason.Stop, outputs[^1].FinishReason);
    }

    [Fact]
    public async Task SeededSamplingIsReproducible()
    {
        var a = await RunAsync(Request([1, 2, 3], 20, temperature: 1.2f, seed: 7));
        var b = await RunAsync(Request([1, 2, 3], 20, temperature: 1.2f, seed: 7));

        Assert.Equal(a.SelectMany(o => o.TokenIds), b.SelectMany(o => o.TokenIds));
    }

    [Fact]
    public async Task CancellationFreesTheSequence()
    {
        using var cts = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in _engine.GenerateAsync(Request([1, 2, 3], 100), cts.Token))
                await cts.CancelAsync();
        });

        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (_engine.Load.ActiveRequests > 0 && DateTime.UtcNow < deadline)
            await Task.Delay(5);
        Assert.Equal(0, _engine.Load.ActiveRequests);
        Assert.Equal(0, _engine.Load.ActiveKvBlocks);
    }

    [Fact]
    public async Task BadPromptsAreClientErrors()
    {
        Assert.True((await Assert.ThrowsAsync<EngineException>(() => RunAsync(Request([999], 5)))).IsClientError);
        Assert.True((await Assert.ThrowsAsync<EngineException>(() => RunAsync(Request(Enumerable.Repeat(1, 200).ToArray(), 5)))).IsClientError);
    }

    [Fact]
    public async Task ARepeatedPrefixIsSharedFromTheCacheAndGivesTheSameTokens()
    {
        var events = new List<KvCacheEvent>();
        _engine.KvEventPublished += e => { lock (events) events.Add(e); };
        var prompt = Enumerable.Range(0, 40).Select(i => i % 60 + 1).ToArray();

        var cold = await RunAsync(Request(prompt, 10));
        var warm = await RunAsync(Request(prompt, 10));

        Assert.Equal(0, cold[^1].Usage!.CachedTokens);
        Assert.Equal(32, warm[^1].Usage!.CachedTokens); // two full blocks of 16; the rest is prefilled
        Assert.Equal(cold.SelectMany(o => o.TokenIds), warm.SelectMany(o => o.TokenIds));
        // Blocks enter the cache as they fill: prompt + output is 50 tokens, so three full blocks, once each.
        var all = prompt.Concat(cold.SelectMany(o => o.TokenIds)).ToArray();
        var stored = events.OfType<KvBlocksStored>().ToList();
        Assert.Equal(KvBlockHasher.HashBlocks(all, 16).Take(2), stored.SelectMany(s => s.Blocks).Take(2));
        Assert.Equal(3, stored.Count);
        Assert.Null(stored[0].ParentHash);
        Assert.Equal(stored[0].Blocks[0].SequenceHash, stored[1].ParentHash);
    }

    [Fact]
    public async Task AFullCacheEvictsTheLeastRecentlyUsedBlock()
    {
        // Three blocks of 16: each 17-token request takes two and leaves its first one cached.
        await using var engine = new LlamaEngine(_model, new LlamaEngineOptions { Path = "unused", KvCapacityTokens = 48 });
        var events = new List<KvCacheEvent>();
        engine.KvEventPublished += e => { lock (events) events.Add(e); };

        foreach (var first in new[] { 1, 2, 3 })
            await foreach (var _ in engine.GenerateAsync(Request(Enumerable.Repeat(first, 17).ToArray(), 1), CancellationToken.None)) { }

        var stored = events.OfType<KvBlocksStored>().Select(e => e.Blocks[0].SequenceHash).ToList();
        var removed = events.OfType<KvBlocksRemoved>().SelectMany(e => e.SequenceHashes).ToList();
        Assert.Equal(3, stored.Count);
        Assert.Equal([stored[0]], removed);
    }

    private static EngineRequest With(EngineRequest request, int priority = 0, SessionControl? session = null) =>
        request with { Metadata = new RequestMetadata(session is null ? null : new AgentContext(null, session.SessionId, null, null), new AgentHints(priority, null, null, null), session) };

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
            await Task.Delay(10);
        Assert.True(condition());
    }

    [Fact]
    public async Task AFullCacheEvictsLowerPriorityBlocksBeforeOlderHigherPriorityOnes()
    {
        await using var engine = new LlamaEngine(_model, new LlamaEngineOptions { Path = "unused", KvCapacityTokens = 48 });
        var events = new List<KvCacheEvent>();
        engine.KvEventPublished += e => { lock (events) events.Add(e); };

        // The oldest cached block is a priority-5 request's: the priority-0 one after it goes first.
        foreach (var (first, priority) in new[] { (1, 5), (2, 0), (3, 0) })
            await foreach (var _ in engine.GenerateAsync(With(Request(Enumerable.Repeat(first, 17).ToArray(), 1), priority), CancellationToken.None)) { }

        var stored = events.OfType<KvBlocksStored>().Select(e => e.Blocks[0].SequenceHash).ToList();
        Assert.Equal([stored[1]], events.OfType<KvBlocksRemoved>().SelectMany(e => e.SequenceHashes));
    }

    [Fact]
    public async Task AnOpenSessionsBlocksAreHeldThroughEvictionUntilItCloses()
    {
        await using var engine = new LlamaEngine(_model, new LlamaEngineOptions { Path = "unused", KvCapacityTokens = 80 });
        var events = new List<KvCacheEvent>();
        engine.KvEventPublished += e => { lock (events) events.Add(e); };
        var prompt = Enumerable.Repeat(9, 17).ToArray();
        async Task<EngineUsage> Run(EngineRequest request)
        {
            EngineUsage? usage = null;
            await foreach (var output in engine.GenerateAsync(request, CancellationToken.None))
                usage = output.Usage ?? usage;
            return usage!;
        }

        await Run(With(Request(prompt, 1), session: new SessionControl("sub-1", SessionAction.Open)));
        var held = events.OfType<KvBlocksStored>().Single().Blocks[0].SequenceHash;
        // The load snapshot is published by the scheduler loop just after the request's last output.
        await WaitUntil(() => engine.Load.HeldSessionTokens >= 17);
        // Other traffic cycles through the three blocks the session does not hold.
        foreach (var first in new[] { 1, 2, 3 })
            await Run(Request(Enumerable.Repeat(first, 17).ToArray(), 1));
        Assert.NotEmpty(events.OfType<KvBlocksRemoved>());
        Assert.DoesNotContain(held, events.OfType<KvBlocksRemoved>().SelectMany(e => e.SequenceHashes));

        Assert.Equal(16, (await Run(With(Request(prompt, 1), session: new SessionControl("sub-1", SessionAction.Close)))).CachedTokens);
        await WaitUntil(() => engine.Load.HeldSessionTokens == 0);
    }

    [Fact]
    public async Task BlocksEvictedFromATinyDeviceCacheComeBackFromHostMemoryWithIdenticalTokens()
    {
        int[] Prompt(int salt) => Enumerable.Range(0, 49).Select(i => (i * 7 + salt) % (_model.Config.VocabSize - 1) + 1).ToArray();
        async Task<(List<int> Tokens, EngineUsage Usage)> Run(LlamaEngine engine, int[] prompt)
        {
            var outputs = new List<EngineOutput>();
            await foreach (var output in engine.GenerateAsync(Request(prompt, 8), CancellationToken.None))
                outputs.Add(output);
            return ([.. outputs.SelectMany(o => o.TokenIds)], outputs[^1].Usage!);
        }
        var reference = (await Run(_engine, Prompt(0))).Tokens;

        // Six device blocks of 16; each request takes four, so two others push the first one's blocks out.
        await using var engine = new LlamaEngine(_model, new LlamaEngineOptions { Path = "unused", KvCapacityTokens = 96 },
            tiers: [new Dynamo.Kv.HostMemory.HostMemoryTier(1L << 30)]);
        var stored = new List<KvCacheEvent>();
        engine.KvEventPublished += e => { lock (stored) stored.Add(e); };
        Assert.Equal(reference, (await Run(engine, Prompt(0))).Tokens);
        foreach (var salt in new[] { 1, 2, 3 })
            await Run(engine, Prompt(salt));
        for (var i = 0; i < 200 && engine.Offload!.Offloaded < 3; i++)
            await Task.Delay(10);
        lock (stored)
            Assert.Contains(stored, e => e is KvBlocksStored { Tier: KvStorageTier.HostMemory });

        var (tokens, usage) = await Run(engine, Prompt(0));
        Assert.Equal(reference, tokens);
        Assert.Equal(48, usage.CachedTokens);
        Assert.True(engine.OnboardedBlocks > 0);
    }
}
