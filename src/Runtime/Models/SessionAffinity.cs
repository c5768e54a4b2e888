using System.Collections.Concurrent;
using Dynamo.Abstractions.Requests;
using Dynamo.Runtime.Configuration;
using Dynamo.Runtime.Workers;

namespace Dynamo.Runtime.Models;

/// <summary>
/// Sticky routing for sessions. Explicit bindings (<c>session_control</c> bind / open) hold a session
/// to its worker while that worker lives and the session is not idle past its timeout; with router
/// session affinity (<see cref="SessionAffinityOptions"/>) every named session is bound by its first
/// request, and in <c>soft</c> mode the router takes over while the bound worker is busy. Each
/// request renews the timeout; close lets the session go.
/// </summary>
internal sealed class SessionAffinity(TimeProvider clock, SessionAffinityOptions? options = null, BusyGate? busy = null)
{
    private sealed record Binding(string WorkerId, TimeSpan Timeout, long LastUsed, bool Explicit);

    private readonly ConcurrentDictionary<string, Binding> _bound = new(StringComparer.Ordinal);

    public int Count => _bound.Count;

    /// <summary>The worker the request's session is bound to, if it is bound, not lapsed, among <paramref name="candidates"/>, and (soft affinity) not busy.</summary>
    public string? WorkerFor(RequestMetadata metadata, IReadOnlyList<IWorker> candidates)
    {
        if (metadata.SessionId is not { } session || !_bound.TryGetValue(session, out var binding))
            return null;
        if (clock.GetElapsedTime(binding.LastUsed) > binding.Timeout)
        {
            _bound.TryRemove(new(session, binding));
            return null;
        }
        if (candidates.FirstOrDefault(w => w.WorkerId == binding.WorkerId) is not { } worker)
            return null;
        // Soft affinity is a preference: a bound worker over its busy threshold yields to the router.
        return !binding.Explicit && options is { Soft: true } && busy?.IsBusy(worker) == true ? null : worker.WorkerId;
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
                _bound[session] = new Binding(workerId, TimeSpan.FromSeconds(metadata.SessionControl.TimeoutSeconds), clock.GetTimestamp(), Explicit: true);
                break;
            default:
                // A request of a bound session that says nothing renews the binding (where it went, a soft one moves);
                // with affinity on, a session's first request binds it.
                if (_bound.TryGetValue(session, out var binding))
                    _bound[session] = binding with { WorkerId = workerId, LastUsed = clock.GetTimestamp() };
                else if (options is { } affinity)
                    _bound[session] = new Binding(workerId, TimeSpan.FromSeconds(affinity.TtlSeconds), clock.GetTimestamp(), Explicit: false);
                break;
        }
    }
}
