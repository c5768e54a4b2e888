using System.Runtime.CompilerServices;
using Dynamo.Abstractions.KvCache;
using Dynamo.Distributed.DataPlane;

namespace Dynamo.Distributed;

/// <summary>A worker's KV data plane: its server stages what it prefilled, its client pulls what another worker staged.</summary>
internal sealed class KvDataPlaneTransfer(KvDataPlaneServer server, KvDataPlaneClient client) : IKvTransfer, IAsyncDisposable
{
    public string Address => server.Address;

    public KvTransferHandle Stage(IReadOnlyList<KvBlockPayload> blocks) => server.Stage(blocks);

    /// <summary>
    /// The blocks, each copied as it arrives into one buffer for the whole transfer (its size is on the handle):
    /// one allocation, not one large object per block, whose page faults and collections halve the throughput.
    /// </summary>
    public async IAsyncEnumerable<KvBlockPayload> PullAsync(KvTransferHandle handle, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var memory = new byte[Math.Max(0, handle.Bytes)];
        var used = 0;
        await foreach (var block in client.PullTransientAsync(handle, cancellationToken))
        {
            var length = block.Data.Length;
            if (used + length > memory.Length)
            {
                yield return block with { Data = block.Data.ToArray() }; // a handle that undercounted: this one is kept on its own
                continue;
            }
            block.Data.Span.CopyTo(memory.AsSpan(used));
            yield return block with { Data = memory.AsMemory(used, length) };
            used += length;
        }
    }

    public ValueTask DisposeAsync() => server.DisposeAsync();
}
