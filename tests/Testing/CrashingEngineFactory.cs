using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.Engines.Scheduling;
using Dynamo.Abstractions.Plugins;
using Microsoft.Extensions.Configuration;

namespace Dynamo.Testing;

/// <summary>
/// An in-process engine on the shared scheduler whose loop dies when a poison request (seed
/// <see cref="PoisonSeed"/>) arrives, as a backend whose device fails would: everything it holds
/// must fail at once and the worker must leave routing. Otherwise it writes 'x' tokens, one per
/// <c>StepMs</c>, <c>MaxBatchSize</c> requests at a time.
/// </summary>
public sealed class CrashingEngineFactory : IComponentFactory<IEngine>
{
    public const long PoisonSeed = 13;

    public string Name => "crashing";

    public IEngine Create(ComponentContext context) =>
        new CrashingEngine(context.Options.GetValue("MaxBatchSize", 4), context.Options.GetValue("StepMs", 5));

    private sealed class CrashingEngine : EngineScheduler<CrashingEngine.Sequence>
    {
        public sealed class Sequence(EngineRequest request) : ScheduledSequence(request)
        {
            public int Generated { get; set; }
        }

        private readonly int _stepMs;

        public CrashingEngine(int maxBatchSize, int stepMs)
        {
            (Descriptor, _stepMs) = (new EngineDescriptor(16, 1024, 4096, maxBatchSize), stepMs);
            StartLoop();
        }

        public override EngineDescriptor Descriptor { get; }

        protected override string EngineName => "The crashing engine";

        protected override ValueTask<Sequence> CreateSequenceAsync(EngineRequest request, CancellationToken cancellationToken) => ValueTask.FromResult(new Sequence(request));

        protected override void BeforeAdmit()
        {
            if (Waiting.Concat(Running).Any(s => s.Request.Sampling.Seed == PoisonSeed))
                throw new InvalidOperationException("poisoned by a test request");
        }

        protected override bool TryAdmit(Sequence sequence) => true;

        protected override async ValueTask StepAsync(CancellationToken stopping)
        {
            await Task.Delay(_stepMs, stopping);
            foreach (var sequence in Running.ToList())
            {
                var done = ++sequence.Generated >= sequence.Request.Stop.MaxTokens;
                Emit(sequence, new EngineOutput(['x'], done ? FinishReason.Length : null, new EngineUsage(sequence.Request.TokenIds.Count, sequence.Generated, 0)));
            }
        }

        protected override void Release(Sequence sequence)
        {
        }

        protected override EngineLoad MeasureLoad(int running, int waiting) => new(running, waiting, running, 0);
    }
}
