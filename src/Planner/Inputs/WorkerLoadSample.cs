using Dynamo.Abstractions.Engines;

namespace Dynamo.Planner.Inputs;

/// <summary>A registered worker's last reported load, with the pool its role puts it in.</summary>
internal sealed record WorkerLoadSample(string WorkerId, string Model, string Pool, int KvCapacityBlocks, EngineLoad Load);
