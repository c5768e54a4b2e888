using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.Routing;

namespace Dynamo.Host.Models;

/// <summary>An engine instance running in this process, as one worker of a model.</summary>
internal sealed record LocalWorker(string WorkerId, IEngine Engine)
{
    public WorkerSnapshot Snapshot() => new(WorkerId, Engine.Descriptor, Engine.Load);
}
