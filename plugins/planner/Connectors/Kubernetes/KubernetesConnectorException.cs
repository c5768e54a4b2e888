using System.Net;

namespace Dynamo.Planner.Connectors.Kubernetes;

/// <summary>A pool's Deployment could not be read or scaled; the message says which and why. The planner tries again next interval.</summary>
public sealed class KubernetesConnectorException(string message, HttpStatusCode? statusCode = null, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The API server's answer, when it gave one.</summary>
    public HttpStatusCode? StatusCode { get; } = statusCode;
}
