using Dynamo.Runtime;

namespace Dynamo.Host.Http;

/// <summary>
/// <c>GET /health</c> as Dynamo answers it: ready only when every served model has a live worker,
/// with 503 otherwise (and while the frontend drains to shut down), so a load balancer or Kubernetes
/// stops sending traffic. <c>/live</c> is the process alone.
/// </summary>
internal static class HealthEndpoint
{
    public static IResult Get(IReadOnlyList<ModelStatus> models, bool draining = false)
    {
        var ready = !draining && models.Count > 0 && models.All(m => m.Ready);
        var body = new Dictionary<string, object>
        {
            ["status"] = draining ? "draining" : ready ? "ready" : "notready",
            ["models"] = models.ToDictionary(m => m.Name, m => new { workers = m.Workers.Count, ready = m.Ready, instances = m.Workers }),
        };
        return Results.Json(body, statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    public static IResult Live() => Results.Json(new { status = "live" });
}
