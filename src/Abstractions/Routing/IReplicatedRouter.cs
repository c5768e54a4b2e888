namespace Dynamo.Abstractions.Routing;

/// <summary>
/// A router whose in-flight load can be shared with the same model's routers in other frontends
/// (Dynamo's router replica sync), so two frontends do not both pile onto the worker that looks idle to each.
/// </summary>
public interface IReplicatedRouter
{
    /// <summary>Where this router sends each change in what it counts for one of its requests.</summary>
    void ShareLoadWith(Action<RouterLoadShare> publish);

    /// <summary>Another replica's request changed: count it (or, finished, stop counting it) on its worker.</summary>
    void ApplyRemoteLoad(RouterLoadShare share);
}

/// <summary>What one routed request counts on its worker now: its blocks still to prefill and its decode blocks; finished, nothing.</summary>
public sealed record RouterLoadShare(string RequestId, string WorkerId, long PrefillBlocks, long DecodeBlocks, bool Finished = false);
