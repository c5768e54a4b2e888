using System.Runtime.CompilerServices;
using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.KvCache;

namespace Dynamo.Backends.Echo;

/// <summary>
/// Streams the prompt's tokens back, one per step, with a fixed delay: the output is exactly
/// what went in, so tests and parser authors can drive the whole postprocess path through HTTP.
/// </summary>
internal sealed class EchoEngine(EchoOptions options, TimeProvider clock) : IEngine
{
    private int _active;

    public EngineDescriptor Descriptor { get; } = new(KvBlockSize: 16, KvCapacityBlocks: 0, options.MaxContextLength, MaxBatchSize: int.MaxValue);

    public EngineLoad Load => new(Volatile.Read(ref _active), 0, 0, 0);

    // The echo engine keeps no KV cache, so it never raises this.
    public event Action<KvCacheEvent>? KvEventPublished { add { } remove { } }

    public async IAsyncEnumerable<EngineOutput> GenerateAsync(EngineRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The echo writes back what it was given: it samples nothing, so it cannot follow what shapes sampling.
        if (request.Constraint is not null || request.Logprobs is not null || request.LogitBias is { Count: > 0 })
            throw new EngineException("The echo engine only repeats its prompt: it cannot follow structured output, logit_bias or report log probabilities.", isClientError: true);
        Interlocked.Increment(ref _active);
        try
        {
            var count = Math.Min(request.TokenIds.Count, request.Stop.MaxTokens);
            var delay = TimeSpan.FromMilliseconds(options.DelayMs);
            for (var i = 0; i < count; i++)
            {
                if (delay > TimeSpan.Zero)
                    await Task.Delay(delay, clock, cancellationToken);
                cancellationToken.ThrowIfCancellationRequested();
                var last = i == count - 1;
                yield return new EngineOutput([request.TokenIds[i]],
                    last ? (count < request.TokenIds.Count ? FinishReason.Length : FinishReason.Stop) : null,
                    last ? new EngineUsage(request.TokenIds.Count, count, 0) : null);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
