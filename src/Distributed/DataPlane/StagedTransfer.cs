using Dynamo.Abstractions.KvCache;

namespace Dynamo.Distributed.DataPlane;

/// <summary>One transfer's blocks on the prefill side: waiting, being sent (to one client only), or freed.</summary>
internal sealed class StagedTransfer(string id, IReadOnlyList<KvBlockPayload> blocks, long bytes, DateTimeOffset expiresAt)
{
    private const int Waiting = 0, Sending = 1, Freed = 2;

    private readonly CancellationTokenSource _abort = new();
    private int _state;

    public string Id => id;

    public IReadOnlyList<KvBlockPayload> Blocks => blocks;

    public long Bytes => bytes;

    public DateTimeOffset ExpiresAt => expiresAt;

    /// <summary>The TTL's timer; null until set (it may fire first, which is harmless).</summary>
    public ITimer? Expiry { get; set; }

    /// <summary>Cancelled when the transfer is freed, so a send in progress stops (cancel, TTL, shutdown).</summary>
    public CancellationToken Aborted => _abort.Token;

    public bool IsFreed => Volatile.Read(ref _state) == Freed;

    /// <summary>Takes the transfer for one client; false when another has it or it is freed.</summary>
    public bool TryClaim() => Interlocked.CompareExchange(ref _state, Sending, Waiting) == Waiting;

    /// <summary>Marks it freed and stops its send; true only the first time, so its bytes are counted off once.</summary>
    public bool TryFree()
    {
        if (Interlocked.Exchange(ref _state, Freed) == Freed)
            return false;
        Expiry?.Dispose();
        // Never disposed: a sender may still link to the token; without timers or a wait handle it holds nothing to release.
        _abort.Cancel();
        return true;
    }
}
