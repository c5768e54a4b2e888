namespace Dynamo.Runtime.Pipeline;

/// <summary>How a request arrived, for metrics and traces.</summary>
/// <param name="Endpoint">The front door's name for it (<c>chat_completions</c>, <c>completions</c>, <c>in_process</c>).</param>
/// <param name="Stream">Whether the client reads it as a stream.</param>
/// <param name="XRequestId">The client's own request id (<c>x-request-id</c>), if any.</param>
/// <param name="IdentitySource">Where the request's agent identity came from (<c>nvext</c>, or the header that carried it), for the trace.</param>
public sealed record RequestInfo(string Endpoint, bool Stream, string? XRequestId = null, string? IdentitySource = null);
