using System.Collections.Concurrent;
using Dynamo.Abstractions.Requests;

namespace Dynamo.Runtime.Models;

/// <summary>
/// Sticky routing for bound sessions (<c>session_control</c> bind / open): a session's requests go
/// to the worker it was bound to while that worker lives and the session is not idle past its
/// timeout; each request renews the timeout; close lets it go.
/// </summary>
internal sealed class SessionAffinity(TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, (string WorkerId, TimeSpan Timeout, long LastUsed)> _bound = new(StringComparer.Ordinal);

    public int Count => _bound.Count;

    /// <summary>The worker the request's session is bound to, if it is bound, not lapsed, and among <paramref name="live"/>.</summary>
    public string? WorkerFor(RequestMetadata metadata, Func<string, bool> live)
    {
        if (metadata.SessionId is not { } session || !_bound.TryGetValue(session, out var binding))
            return null;
        if (clock.GetElapsedTime(binding.LastUsed) > binding.Timeout)
        {
            _bound.TryRemove(new(session, binding));
            return null;
        }
        return live(binding.WorkerId) ? binding.WorkerId : null;
    }

    /// <summary>The request went to <paramref name="workerId"/>: bind, renew or release its session as it asks.</summary>
    public void Routed(RequestMetadata metadata, string workerId)
    {
        if (metadata.SessionId is not { } session)
            return;
        switch (metadata.SessionControl?.Action)
        {
            case SessionAction.Close:
                _bound.TryRemove(session, out _);
                break;
            case SessionAction.Bind or SessionAction.Open:
                _bound[session] = (workerId, TimeSpan.FromSeconds(metadata.SessionControl.TimeoutSeconds), clock.GetTimestamp());
                break;
            default:
                // A request of a bound session that says nothing renews the binding.
                if (_bound.TryGetValue(session, out var binding))
                    _bound[session] = binding with { WorkerId = workerId, LastUsed = clock.GetTimestamp() };
                break;
        }
    }
}
