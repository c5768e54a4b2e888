namespace Dynamo.Runtime.Workers;

/// <summary>
/// Where a frontend's workers come from when they run elsewhere (a transport such as NATS registers
/// one). Without one, each model's engines run in this process.
/// </summary>
public interface IWorkerSetSource
{
    /// <summary>A short description for logs (e.g. "workers registered on NATS nats://…").</summary>
    string Description { get; }

    /// <summary>The workers of <paramref name="model"/>, kept current by the source; empty until one joins.</summary>
    IWorkerSet For(string model);
}
