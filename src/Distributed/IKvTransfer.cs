using Dynamo.Abstractions.KvCache;

namespace Dynamo.Distributed;

/// <summary>A worker's side of the KV data plane: stages a prefill's blocks for a decode worker, and pulls staged blocks from another worker.</summary>
internal interface IKvTransfer
{
    /// <summary>Holds the blocks until a decode worker pulls them (or their time is up); returns where they wait.</summary>
    KvTransferHandle Stage(IReadOnlyList<KvBlockPayload> blocks);

    /// <summary>The staged blocks, in order, each checked; throws when one is corrupt or the prefill worker goes away.</summary>
    IAsyncEnumerable<KvBlockPayload> PullAsync(KvTransferHandle handle, CancellationToken cancellationToken);
}
