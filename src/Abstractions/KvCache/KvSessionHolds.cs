using Dynamo.Abstractions.Requests;

namespace Dynamo.Abstractions.KvCache;

/// <summary>
/// The KV blocks an engine holds for open sessions (<c>session_control</c> open): the blocks a
/// session's last request used stay referenced, so the cache cannot evict them, until the session
/// closes or idles past its timeout. An engine calls <see cref="Finished"/> when a request ends and
/// releases whatever it returns; <see cref="Expire"/> on its scheduling steps. Not thread-safe.
/// </summary>
/// <typeparam name="TBlocks">The engine's own handle on a request's blocks.</typeparam>
public sealed class KvSessionHolds<TBlocks>(TimeProvider clock) where TBlocks : class
{
    private readonly Dictionary<string, (TBlocks Blocks, int Tokens, TimeSpan Timeout, long LastUsed)> _held = new(StringComparer.Ordinal);

    /// <summary>Tokens whose KV is held for sessions now (metrics).</summary>
    public int HeldTokens { get; private set; }

    public int Sessions => _held.Count;

    /// <summary>
    /// A request ended having used <paramref name="blocks"/> (<paramref name="tokens"/> tokens of KV).
    /// Returns the blocks to release now: the request's own when its session is not held (or closes),
    /// else what the session held before (the new request's blocks replace them).
    /// </summary>
    public IReadOnlyList<TBlocks> Finished(RequestMetadata metadata, TBlocks blocks, int tokens)
    {
        var control = metadata.SessionControl;
        if (metadata.SessionId is not { } session || control?.Action is SessionAction.Bind)
            return [blocks];
        var held = _held.Remove(session, out var previous);
        if (held)
            HeldTokens -= previous.Tokens;
        if (control?.Action is SessionAction.Close || (!held && control?.Action is not SessionAction.Open))
            return held ? [previous.Blocks, blocks] : [blocks];
        var timeout = control is null ? previous.Timeout : TimeSpan.FromSeconds(control.TimeoutSeconds);
        _held[session] = (blocks, tokens, timeout, clock.GetTimestamp());
        HeldTokens += tokens;
        return held ? [previous.Blocks] : [];
    }

    /// <summary>Sessions idle past their timeout give their blocks back: returns them for release.</summary>
    public IReadOnlyList<TBlocks> Expire()
    {
        if (_held.Count == 0)
            return [];
        var lapsed = _held.Where(h => clock.GetElapsedTime(h.Value.LastUsed) > h.Value.Timeout).ToList();
        foreach (var (session, hold) in lapsed)
        {
            _held.Remove(session);
            HeldTokens -= hold.Tokens;
        }
        return [.. lapsed.Select(h => h.Value.Blocks)];
    }
}
