using Dynamo.Runtime.Errors;

namespace Dynamo.Host.Http;

/// <summary>What every API endpoint does around its own work: the API key check, and any failure answered in the API's shape, never as a stack trace.</summary>
internal static class FrontDoor
{
    public static RequestDelegate Handle(ErrorShape shape, Func<HttpContext, Task> endpoint) => async context =>
    {
        try
        {
            context.RequestServices.GetRequiredService<ApiKeys>().Check(context.Request);
            using var inflight = context.RequestServices.GetService<GracefulDrain>()?.Enter();
            await endpoint(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; the engine request was cancelled with it.
        }
        catch (Exception ex)
        {
            var error = DynamoRequestException.From(ex);
            context.RequestServices.GetService<Runtime.Metrics.FrontendMetrics>()?.Rejected(error.Kind);
            if (error.Kind == RequestErrorKind.Internal)
                context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Dynamo.Http").LogError(ex, "Request {Path} failed", context.Request.Path);
            if (!context.RequestAborted.IsCancellationRequested)
                await shape.WriteAsync(context, error);
        }
    };

    /// <summary>Tools this server cannot run are left out of the prompt; the client learns which from a header, the log says so.</summary>
    /// <param name="kind">What the API calls them ("server", "hosted").</param>
    public static void ReportIgnoredTools(HttpContext context, IReadOnlyList<string> ignored, ILogger logger, string kind)
    {
        if (ignored.Count == 0)
            return;
        context.Response.Headers["x-dynamo-ignored-tools"] = string.Join(",", ignored);
        logger.LogInformation("Left out {Kind} tools this server cannot run: {Tools}", kind, string.Join(", ", ignored));
    }
}
