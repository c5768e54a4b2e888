using Dynamo.Abstractions.Engines;
using Dynamo.Runtime.Workers;

namespace Dynamo.Distributed;

/// <summary>A worker's entry in the registry bucket (key: its worker id), renewed while it lives.</summary>
/// <param name="Role">Its part in disaggregated serving (older workers register none: both).</param>
internal sealed record WorkerRegistration(
    string Model,
    string WorkerId,
    int KvBlockSize,
    int KvCapacityBlocks,
    int MaxContextLength,
    int MaxBatchSize,
    WorkerRole Role = WorkerRole.Both)
{
    public EngineDescriptor Descriptor => new(KvBlockSize, KvCapacityBlocks, MaxContextLength, MaxBatchSize);

    public static WorkerRegistration Of(string model, string workerId, EngineDescriptor d, WorkerRole role = WorkerRole.Both) =>
        new(model, workerId, d.KvBlockSize, d.KvCapacityBlocks, d.MaxContextLength, d.MaxBatchSize, role);
}
