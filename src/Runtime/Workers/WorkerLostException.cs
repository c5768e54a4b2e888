namespace Dynamo.Runtime.Workers;

/// <summary>The worker serving a request went away (died, stopped answering, lost its lease): the request may migrate.</summary>
public sealed class WorkerLostException(string workerId, string reason) : Exception($"Worker '{workerId}' was lost: {reason}");
