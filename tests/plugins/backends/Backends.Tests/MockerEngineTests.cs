using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.KvCache;
using Dynamo.Abstractions.Requests;
using Dynamo.Backends.Mocker;
using Microsoft.Extensions.Configuration;

namespace Dynamo.Backends.Tests;

public sealed class MockerEngineTests
{
    private static readonly TestTokenizer Tokenizer = new();

    private static MockerEngine Engine(MockerOptions options, TimeProvider? clock = null) =>
        new(options, new MockTextSource(Tokenizer), clock ?? TimeProvider.System);

    private static EngineRequest Request(int[] prompt, int maxTokens = 100, int? osl = null, int priority = 0, long? seed = null) =>
        new($"r-{Guid.NewGuid():N}", prompt, new SamplingParams(Seed: seed), new StopConditions(maxTokens, []),
            new RequestMetadata(null, new AgentHints(priority, osl, null, null)));

    private static async Task<List<EngineOutput>> RunAsync(IEngine engine, EngineRequest request)
    {
        var outputs = new List<EngineOutput>();
        await foreach (var output in engine.GenerateAsync(request, CancellationToken.None))
            outputs.Add(output);
        return outputs;
    }

    private static int[] Prompt(int length, int salt = 0) => Enumerable.Range(0, length).Select(i => (i * 7 + salt) % 250).ToArray();

    [Theory]
    [InlineData(SessionAction.Open, 48)] // all but the last block, whose last token is always computed
    [InlineData(SessionAction.Bind, 0)]
    public async Task AnOpenSessionsBlocksSurviveTrafficThatEvictsEverythingElse(SessionAction action, int expectedCached)
    {
        await using var engine = Engine(new MockerOptions { DecodeItlMs = 0, KvBlockSize = 16, KvCapacityBlocks = 12, MaxContextLength = 128, OutputTokens = 1 });
        var session = Prompt(64, salt: 1);
        EngineRequest InSession(SessionAction? a) => Request(session, maxTokens: 1) with
        {
            Metadata = new RequestMetadata(new AgentContext(null, "agent-7", null, null), null, a is { } x ? new SessionControl("agent-7", x) : null),
        };
        await RunAsync(engine, InSession(action));
        // The load snapshot is published by the scheduler loop just after the request's last output.
        await WaitUntil(() => engine.Load.HeldSessionTokens == (action == SessionAction.Open ? 64 : 0));

        // Other traffic, 7 blocks each, cycles through everything the session does not hold.
        for (var salt = 2; salt < 6; salt++)
            await RunAsync(engine, Request(Prompt(100, salt), maxTokens: 1));

        var next = await RunAsync(engine, InSession(null));
        Assert.Equal(expectedCached, next[^1].Usage!.CachedTokens);
        await RunAsync(engine, InSession(SessionAction.Close));
        await WaitUntil(() => engine.Load.HeldSessionTokens == 0);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
            await Task.Delay(10);
        Assert.True(condition());
    }

    [Fact]
    public async Task StoredEventsCarryTheSharedBlockHashesWithParents()
    {
        var events = new List<KvCacheEvent>();
        await using var engine = Engine(new MockerOptions { DecodeItlMs = 0, KvBlockSize = 16, OutputTokens = 8 });
        engine.KvEventPublished += e => { lock (events) events.Add(e); };
        var prompt = Prompt(40);

        var outputs = await RunAsync(engine, Request(prompt));

        var all = prompt.Concat(outputs.SelectMany(o => o.TokenIds)).ToArray();
        Assert.Equal(48, all.Length);
        var expected = KvBlockHasher.HashBlocks(all, 16);
        var stored = events.Cast<KvBlocksStored>().ToList();
        Assert.Equal(expected, stored.SelectMany(s => s.Blocks).ToArray());
        Assert.Equal([null, expected[0].SequenceHash, expected[1].SequenceHash], stored.Select(s => s.ParentHash));
        Assert.All(stored, s => Assert.Equal(KvStorageTier.Device, s.Tier));
        Assert.Equal(stored.Select(s => s.EventId), stored.Select(s => s.EventId).Order());
    }

    [Fact]
    public async Task PrefixCacheHitsSkipPrefillTime()
    {
        var clock = new VirtualClock();
        await using var engine = Engine(new MockerOptions { PrefillTokensPerSecond = 1000, DecodeItlMs = 10, KvBlockSize = 16, OutputTokens = 1 }, clock);
        var prompt = Prompt(1000);

        var start = clock.Now;
        var cold = await RunAsync(engine, Request(prompt));
        var coldTime = clock.Now - start;
        start = clock.Now;
        var warm = await RunAsync(engine, Request(prompt));
        var warmTime = clock.Now - start;

        Assert.Equal(0, cold[^1].Usage!.CachedTokens);
        Assert.Equal(992, warm[^1].Usage!.CachedTokens); // 62 full blocks; the last token is always recomputed
        Assert.InRange(coldTime.TotalMilliseconds, 1009, 1011); // 1000 tokens at 1000/s + one 10 ms step
        Assert.InRange(warmTime.TotalMilliseconds, 17, 19); // 8 tokens + one step
    }

    [Fact]
    public async Task SpeedupDividesSimulatedTime()
    {
        var clock = new VirtualClock();
        await using var engine = Engine(new MockerOptions { DecodeItlMs = 10, Speedup = 10, OutputTokens = 5, PrefillTokensPerSecond = 1e9 }, clock);

        await RunAsync(engine, Request(Prompt(4)));

        Assert.InRange(clock.Now.TotalMilliseconds, 4.9, 5.1); // five 1 ms steps
    }

    [Fact]
    public async Task OutputIsDeterministicForASeedAndEndsAsAsked()
    {
        await using var engine = Engine(new MockerOptions { DecodeItlMs = 0, OutputTokens = 30 });

        var a = await RunAsync(engine, Request(Prompt(5), seed: 42));
        var b = await RunAsync(engine, Request(Prompt(5), seed: 42));
        var c = await RunAsync(engine, Request(Prompt(5), seed: 43));
        var limited = await RunAsync(engine, Request(Prompt(5), maxTokens: 7));
        var hinted = await RunAsync(engine, Request(Prompt(5), osl: 3));

        Assert.Equal(a.SelectMany(o => o.TokenIds), b.SelectMany(o => o.TokenIds));
        Assert.NotEqual(a.SelectMany(o => o.TokenIds), c.SelectMany(o => o.TokenIds));
        Assert.Equal((30, FinishReason.Stop), (a.Count, a[^1].FinishReason!.Value));
        Assert.Equal((7, FinishReason.Length), (limited.Count, limited[^1].FinishReason!.Value));
        Assert.Equal((3, FinishReason.Stop), (hinted.Count, hinted[^1].FinishReason!.Value));
        Assert.All(a.SkipLast(1), o => Assert.Null(o.FinishReason));
    }

    [Fact]
    public async Task FullCacheEvictsLeastRecentlyUsedBlocksAndReportsThem()
    {
        var events = new List<KvCacheEvent>();
        await using var engine = Engine(new MockerOptions { DecodeItlMs = 0, KvBlockSize = 4, KvCapacityBlocks = 10, MaxContextLength = 40, OutputTokens = 4 });
        engine.KvEventPublished += e => { lock (events) events.Add(e); };

        for (var salt = 0; salt < 4; salt++)
            await RunAsync(engine, Request(Prompt(16, salt * 13))); // 5 blocks each: the third request must evict

        var stored = events.OfType<KvBlocksStored>().SelectMany(s => s.Blocks).Select(b => b.SequenceHash).ToList();
        var removed = events.OfType<KvBlocksRemoved>().SelectMany(r => r.SequenceHashes).ToList();
        Assert.NotEmpty(removed);
        Assert.All(removed, h => Assert.Contains(h, stored));
        Assert.Equal(stored.Take(removed.Count), removed); // oldest first
        Assert.InRange(stored.Count - removed.Count, 1, 10); // never more cached than the capacity
        Assert.Equal(0, engine.Load.ActiveKvBlocks);
    }

    [Fact]
    public async Task BatchIsBoundedAndHigherPriorityIsAdmittedFirst()
    {
        await using var engine = Engine(new MockerOptions { DecodeItlMs = 5, MaxBatchSize = 1, OutputTokens = 3 });
        var order = new List<string>();
        var blocker = engine.GenerateAsync(Request(Prompt(4), osl: 40), CancellationToken.None).GetAsyncEnumerator();
        await blocker.MoveNextAsync(); // running: the only batch slot is taken

        async Task Run(string name, int priority)
        {
            await foreach (var _ in engine.GenerateAsync(Request(Prompt(4), priority: priority), CancellationToken.None))
            {
                lock (order) order.Add(name);
                return;
            }
        }
        var low = Run("low", 0);
        var high = Run("high", 10);
        while (engine.Load.WaitingRequests < 2)
            await Task.Delay(1);
        Assert.Equal(1, engine.Load.ActiveRequests);
        while (await blocker.MoveNextAsync()) { }
        await Task.WhenAll(low, high);

        Assert.Equal(["high", "low"], order);
    }

    [Fact]
    public async Task LeavingEarlyReleasesTheSequenceAndItsBlocks()
    {
        await using var engine = Engine(new MockerOptions { DecodeItlMs = 5, OutputTokens = 1000, KvBlockSize = 4 });
        using var cts = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var output in engine.GenerateAsync(Request(Prompt(32), maxTokens: 1000), cts.Token))
                await cts.CancelAsync();
        });

        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (engine.Load.ActiveRequests > 0 && DateTime.UtcNow < deadline)
            await Task.Delay(5);
        Assert.Equal(0, engine.Load.ActiveRequests);
        Assert.Equal(0, engine.Load.ActiveKvBlocks);
    }

    [Fact]
    public async Task PromptsLongerThanTheContextAreRefusedAsClientErrors()
    {
        await using var engine = Engine(new MockerOptions { MaxContextLength = 16, KvBlockSize = 4 });

        var error = await Assert.ThrowsAsync<EngineException>(() => RunAsync(engine, Request(Prompt(16))));

        Assert.True(error.IsClientError);
    }

    [Fact]
    public async Task A_script_answers_by_how_many_tool_results_the_prompt_holds()
    {
        string[] script = ["call the tool", "call it again", "done"];
        await using var engine = new MockerEngine(MockerOptions.From(new ConfigurationBuilder().Build()) with { DecodeItlMs = 0 },
            new MockTextSource(Tokenizer, script, "\ntool: "), TimeProvider.System);
        async Task<string> Answer(string prompt) =>
            Tokenizer.Decode([.. (await RunAsync(engine, Request(Tokenizer.Encode(prompt, false)))).SelectMany(o => o.TokenIds)]);

        Assert.Equal("call the tool", await Answer("user: weather?\nassistant:"));
        Assert.Equal("call it again", await Answer("user: weather?\nassistant: [call]\ntool: 21C\nassistant:"));
        Assert.Equal("done", await Answer("user: weather?\nassistant:\ntool: 21C\nassistant:\ntool: sunny\nassistant:"));
        // Past its end the script repeats its last answer.
        Assert.Equal("done", await Answer("user: w\ntool: a\ntool: b\ntool: c\ntool: d\nassistant:"));
    }

    [Fact]
    public void A_script_and_an_output_text_together_are_refused()
    {
        var options = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OutputText"] = "x",
            ["Script:0"] = "y",
        }).Build();
        Assert.Contains("give one", Assert.Throws<ArgumentException>(() => MockerOptions.From(options)).Message);
    }
}
