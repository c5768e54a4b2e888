using System.Runtime.CompilerServices;
using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.Engines.Scheduling;
using Dynamo.Abstractions.Requests;

namespace Dynamo.Abstractions.Tests.Engines;

/// <summary>The scheduler skeleton both engines run on: admission by priority, cancellation, and what a failed loop does.</summary>
public sealed class EngineSchedulerTests
{
    /// <summary>One token per step per running sequence; fails in the step after <paramref name="failAfterSteps"/>.</summary>
    private sealed class CountingEngine(int batch, int failAfterSteps = int.MaxValue, TaskCompletionSource? gate = null) : EngineScheduler<CountingEngine.Sequence>
    {
        public sealed class Sequence(EngineRequest request) : ScheduledSequence(request)
        {
            public int Generated { get; set; }
        }

        private int _steps;

        public List<string> Admitted { get; } = [];

        public int Released { get; private set; }

        public override EngineDescriptor Descriptor { get; } = new(16, 64, 1024, batch);

        protected override string EngineName => "The counting engine";

        public void Start() => StartLoop();

        protected override ValueTask<Sequence> CreateSequenceAsync(EngineRequest request, CancellationToken cancellationToken) => ValueTask.FromResult(new Sequence(request));

        protected override bool TryAdmit(Sequence sequence)
        {
            Admitted.Add(sequence.Request.RequestId);
            return true;
        }

        protected override async ValueTask StepAsync(CancellationToken stopping)
        {
            if (gate is not null)
                await gate.Task.WaitAsync(stopping);
            if (++_steps > failAfterSteps)
                throw new InvalidOperationException("the device fell off the bus");
            foreach (var sequence in Running.ToList())
            {
                sequence.Generated++;
                var done = sequence.Generated >= sequence.Request.Stop.MaxTokens;
                Emit(sequence, new EngineOutput([sequence.Generated], done ? FinishReason.Length : null, new EngineUsage(1, sequence.Generated, 0)));
            }
            await Task.Yield();
        }

        protected override void Release(Sequence sequence) => Released++;

        protected override EngineLoad MeasureLoad(int running, int waiting) => new(running, waiting, running, 0);
    }

    private static EngineRequest Request(string id, int maxTokens, int priority = 0, int? strict = null) =>
        new(id, [1], SamplingParams.Greedy, new StopConditions(maxTokens, []), new RequestMetadata(null, new AgentHints(priority, null, null, null, strict)));

    private static async Task<List<EngineOutput>> RunAsync(IEngine engine, EngineRequest request, CancellationToken cancellationToken = default)
    {
        var outputs = new List<EngineOutput>();
        await foreach (var output in engine.GenerateAsync(request, cancellationToken))
            outputs.Add(output);
        return outputs;
    }

    [Fact]
    public async Task Waiting_requests_are_admitted_by_strict_tier_then_priority_then_arrival()
    {
        var gate = new TaskCompletionSource();
        await using var engine = new CountingEngine(batch: 1, gate: gate);
        engine.Start();
        var first = RunAsync(engine, Request("first", 2));
        await WaitUntil(() => engine.Load.ActiveRequests == 1);
        var low = RunAsync(engine, Request("low", 1, priority: 0));
        var high = RunAsync(engine, Request("high", 1, priority: 5));
        var lowToo = RunAsync(engine, Request("low-too", 1, priority: 0));
        var tier = RunAsync(engine, Request("tier-2", 1, priority: -10, strict: 2));
        gate.SetResult();
        await Task.WhenAll(first, low, high, lowToo, tier);
        Assert.Equal(["first", "tier-2", "high", "low", "low-too"], engine.Admitted);
        Assert.Equal(5, engine.Released);
    }

    [Fact]
    public async Task A_cancelled_request_is_released_and_ends_as_cancelled()
    {
        await using var engine = new CountingEngine(batch: 2);
        engine.Start();
        using var cancel = new CancellationTokenSource();
        var outputs = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in engine.GenerateAsync(Request("long", 1_000_000), cancel.Token))
                if (++outputs == 3)
                    await cancel.CancelAsync();
        });
        await WaitUntil(() => engine.Released == 1 && engine.Load.ActiveRequests == 0);
    }

    [Fact]
    public async Task A_failed_loop_fails_every_request_it_held_at_once_and_every_later_one_on_arrival()
    {
        var faults = new List<Exception>();
        await using var engine = new CountingEngine(batch: 1, failAfterSteps: 3);
        engine.Faulted += faults.Add;
        engine.Start();
        var running = RunAsync(engine, Request("running", 100));
        var waiting = RunAsync(engine, Request("waiting", 100));

        var ranError = await Assert.ThrowsAsync<EngineException>(() => running);
        var waitError = await Assert.ThrowsAsync<EngineException>(() => waiting);
        Assert.Contains("The counting engine failed: the device fell off the bus", ranError.Message);
        Assert.False(ranError.IsClientError);
        Assert.Equal(ranError.Message, waitError.Message);
        Assert.IsType<InvalidOperationException>(Assert.Single(faults));
        Assert.Same(faults[0], engine.Fault);

        // No hang for later requests either: the engine refuses them at once.
        var later = await Assert.ThrowsAsync<EngineException>(() => RunAsync(engine, Request("later", 1)).WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Contains("failed", later.Message);
        Assert.Single(faults);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
            await Task.Delay(10);
        Assert.True(condition());
    }
}
