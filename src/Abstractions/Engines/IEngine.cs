using Dynamo.Abstractions.KvCache;

namespace Dynamo.Abstractions.Engines;

/// <summary>
/// A backend: token ids in, token ids out. One instance is one worker. Implementations must
/// honour cancellation promptly (a client that disconnects frees its slot and KV blocks).
/// </summary>
public interface IEngine : IAsyncDisposable
{
    EngineDescriptor Descriptor { get; }

    /// <summary>A snapshot of the current load, read by routers and metrics.</summary>
    EngineLoad Load { get; }

    /// <summary>
    /// Raised whenever the engine's KV cache stores, removes or clears blocks. Raised on the
    /// engine's own thread: handlers must be quick and must not throw.
    /// </summary>
    event Action<KvCacheEvent>? KvEventPublished;

    /// <summary>
    /// Raised once if the engine fails for good (its scheduler loop died). By then every request it
    /// held has failed, and later ones fail at once; the host takes the worker out of routing.
    /// </summary>
    event Action<Exception>? Faulted
    {
        add { }
        remove { }
    }

    /// <summary>
    /// Streams generated tokens. The last item carries <see cref="EngineOutput.FinishReason"/>
    /// and <see cref="EngineOutput.Usage"/>. Cancellation ends the stream with
    /// <see cref="OperationCanceledException"/> and releases the request's resources.
    /// </summary>
    IAsyncEnumerable<EngineOutput> GenerateAsync(EngineRequest request, CancellationToken cancellationToken);
}
