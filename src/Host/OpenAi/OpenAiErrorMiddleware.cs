using System.Text.Json;
using Dynamo.Abstractions.Engines;

namespace Dynamo.Host.OpenAi;

/// <summary>
/// Every failure becomes OpenAI's error body with the right status; nothing leaks a stack trace.
/// Once a stream has started the status is sent, so a failure then is reported as a last SSE event.
/// </summary>
internal sealed class OpenAiErrorMiddleware(RequestDelegate next, ILogger<OpenAiErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; the engine request was cancelled with it.
        }
        catch (Exception ex)
        {
            var error = ex switch
            {
                OpenAiException oe => oe,
                EngineException { IsClientError: true } ee => OpenAiException.BadRequest(ee.Message),
                EngineException ee => OpenAiException.Internal($"The engine failed: {ee.Message}"),
                _ => OpenAiException.Internal("Internal error while handling the request; see the server log."),
            };
            if (error.Status >= 500)
                logger.LogError(ex, "Request {Path} failed", context.Request.Path);
            await WriteAsync(context, error);
        }
    }

    public static async Task WriteAsync(HttpContext context, OpenAiException error)
    {
        if (context.RequestAborted.IsCancellationRequested)
            return;
        if (!context.Response.HasStarted)
        {
            context.Response.StatusCode = error.Status;
            context.Response.ContentType = "application/json";
            await JsonSerializer.SerializeAsync(context.Response.Body, error.ToBody(), OpenAiJson.Context.ErrorBody);
            return;
        }
        if (context.Response.ContentType == "text/event-stream")
        {
            var sse = new SseWriter(context.Response);
            await sse.WriteAsync(error.ToBody(), OpenAiJson.Context.ErrorBody, CancellationToken.None);
            await sse.WriteDoneAsync(CancellationToken.None);
        }
    }
}
