using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.Routing;

namespace Dynamo.Runtime.Workers;

/// <summary>One worker of a model as the runtime drives it: an engine in this process, or one reached over a transport.</summary>
public interface IWorker
{
    string WorkerId { get; }

    EngineDescriptor Descriptor { get; }

    EngineLoad Load { get; }

    /// <summary>What the worker does in disaggregated serving.</summary>
    WorkerRole Role => WorkerRole.Both;

    /// <summary>Streams the worker's output; throws <see cref="WorkerLostException"/> when the worker goes away mid-request.</summary>
    IAsyncEnumerable<EngineOutput> GenerateAsync(EngineRequest request, CancellationToken cancellationToken);

    WorkerSnapshot Snapshot() => new(WorkerId, Descriptor, Load);
}
