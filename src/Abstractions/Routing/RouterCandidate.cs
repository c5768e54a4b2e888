namespace Dynamo.Abstractions.Routing;

/// <summary>A worker as a router weighed it for one request (recorded in the request trace's <c>router_selection</c>).</summary>
/// <param name="DeviceOverlapBlocks">Leading prompt blocks cached on the worker's device.</param>
/// <param name="HostOverlapBlocks">The blocks after those held in the worker's host-memory tier.</param>
/// <param name="DiskOverlapBlocks">… and on its disk tier.</param>
/// <param name="PrefillBlocks">Prompt blocks the worker would prefill (what it does not have cached).</param>
/// <param name="DecodeBlocks">KV blocks of decode load the router counts on the worker now.</param>
/// <param name="Cost">The router's cost (lower wins); null for a router that does not score.</param>
public sealed record RouterCandidate(
    string WorkerId,
    int DeviceOverlapBlocks,
    int HostOverlapBlocks,
    int DiskOverlapBlocks,
    double PrefillBlocks,
    long DecodeBlocks,
    int ActiveRequests,
    double? Cost);
