namespace Dynamo.Planner.Inputs;

/// <summary>The workers registered now and the load each last published (on NATS, <c>dynamo.worker.*.load</c>).</summary>
internal interface IWorkerLoadSource
{
    IReadOnlyList<WorkerLoadSample> Snapshot();
}
