namespace Dynamo.Abstractions.KvCache;

/// <summary>
/// Where a prefill worker holds a request's KV blocks for a decode worker to pull (disaggregated
/// serving): its data plane address and the transfer's id. The blocks wait there until pulled,
/// cancelled, or their time is up.
/// </summary>
/// <param name="Address">The data plane endpoint, <c>host:port</c>.</param>
/// <param name="TransferId">The staged blocks' key at that endpoint.</param>
/// <param name="Blocks">How many blocks are staged.</param>
/// <param name="Bytes">Their size, for a transfer-time estimate.</param>
public sealed record KvTransferHandle(string Address, string TransferId, int Blocks, long Bytes);
