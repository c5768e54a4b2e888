using Dynamo.Abstractions.Engines;

namespace Dynamo.Runtime.Workers;

/// <summary>An engine instance running in this process, as one worker of a model.</summary>
internal sealed record LocalWorker(string WorkerId, IEngine Engine, WorkerRole Role = WorkerRole.Both) : IWorker
{
    public EngineDescriptor Descriptor => Engine.Descriptor;

    public EngineLoad Load => Engine.Load;

    public IAsyncEnumerable<EngineOutput> GenerateAsync(EngineRequest request, CancellationToken cancellationToken) =>
        Engine.GenerateAsync(request, cancellationToken);
}
