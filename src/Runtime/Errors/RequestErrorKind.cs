namespace Dynamo.Runtime.Errors;

/// <summary>What kind of failure a request met; each front door maps it to its protocol's status and error shape.</summary>
public enum RequestErrorKind
{
    /// <summary>The request is wrong (HTTP 400).</summary>
    InvalidRequest,
    /// <summary>No valid API key (HTTP 401).</summary>
    Unauthorized,
    /// <summary>No such model or route (HTTP 404).</summary>
    NotFound,
    /// <summary>The body is over the size limit (HTTP 413).</summary>
    TooLarge,
    /// <summary>No worker can take it now (HTTP 503).</summary>
    Unavailable,
    /// <summary>The server failed (HTTP 500).</summary>
    Internal,
    /// <summary>Every worker is over a busy threshold and the model sheds load (HTTP 529, Dynamo's and Anthropic's "overloaded").</summary>
    Overloaded,
}
