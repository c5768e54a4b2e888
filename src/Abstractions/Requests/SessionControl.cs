namespace Dynamo.Abstractions.Requests;

/// <summary>What a request asks of its session (<c>nvext.session_control</c>).</summary>
public enum SessionAction
{
    /// <summary>Route this session's requests to one worker (sticky), for <see cref="SessionControl.TimeoutSeconds"/> after its last request.</summary>
    Bind,
    /// <summary>Bind, and have the worker hold the session's KV blocks (never evicted) until close or the idle timeout.</summary>
    Open,
    /// <summary>The session is over: this request still goes to its worker, then the binding and held blocks are let go.</summary>
    Close,
}

/// <param name="TimeoutSeconds">Idle time after which binding and held blocks lapse (sliding: each request renews it).</param>
public sealed record SessionControl(string SessionId, SessionAction Action, int TimeoutSeconds = SessionControl.DefaultTimeoutSeconds)
{
    public const int DefaultTimeoutSeconds = 300;
}
