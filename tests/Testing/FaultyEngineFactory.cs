using System.Runtime.CompilerServices;
using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.KvCache;
using Dynamo.Abstractions.Plugins;

namespace Dynamo.Testing;

/// <summary>An in-process engine that fails: one token, then an exception (as a crashed backend would).</summary>
public sealed class FaultyEngineFactory : IComponentFactory<IEngine>
{
    public string Name => "faulty";

    public IEngine Create(ComponentContext context) => new FaultyEngine();

    private sealed class FaultyEngine : IEngine
    {
        public EngineDescriptor Descriptor { get; } = new(16, 0, 4096, 8);

        public EngineLoad Load => default;

        public event Action<KvCacheEvent>? KvEventPublished { add { } remove { } }

        public async IAsyncEnumerable<EngineOutput> GenerateAsync(EngineRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            yield return new EngineOutput([request.TokenIds[0]]);
            await Task.Yield();
            throw new InvalidOperationException("the GPU caught fire");
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
