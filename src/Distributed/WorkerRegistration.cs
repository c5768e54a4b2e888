using Dynamo.Abstractions.Engines;

namespace Dynamo.Distributed;

/// <summary>A worker's entry in the registry bucket (key: its worker id), renewed while it lives.</summary>
internal sealed record WorkerRegistration(
    string Model,
    string WorkerId,
    int KvBlockSize,
    int KvCapacityBlocks,
    int MaxContextLength,
    int MaxBatchSize)
{
    public EngineDescriptor Descriptor => new(KvBlockSize, KvCapacityBlocks, MaxContextLength, MaxBatchSize);

    public static WorkerRegistration Of(string model, string workerId, EngineDescriptor d) =>
        new(model, workerId, d.KvBlockSize, d.KvCapacityBlocks, d.MaxContextLength, d.MaxBatchSize);
}
