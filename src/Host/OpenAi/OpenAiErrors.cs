using System.Text.Json;
using Dynamo.Runtime.Errors;
using Microsoft.Extensions.Logging;

namespace Dynamo.Host.OpenAi;

/// <summary>
/// Every failure of an OpenAI endpoint becomes OpenAI's error body with the right status; nothing
/// leaks a stack trace. Once a stream has started the status is sent, so a failure then is reported
/// as a last SSE event.
/// </summary>
internal static class OpenAiErrors
{
    /// <summary>Runs an endpoint, answering any failure in OpenAI's shape.</summary>
    public static RequestDelegate Handle(Func<HttpContext, Task> endpoint) => async context =>
    {
        try
        {
            await endpoint(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; the engine request was cancelled with it.
        }
        catch (Exception ex)
        {
            var error = DynamoRequestException.From(ex);
            if (error.Kind == RequestErrorKind.Internal)
                context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Dynamo.OpenAi").LogError(ex, "Request {Path} failed", context.Request.Path);
            await WriteAsync(context, error);
        }
    };

    public static int Status(RequestErrorKind kind) => kind switch
    {
        RequestErrorKind.InvalidRequest => StatusCodes.Status400BadRequest,
        RequestErrorKind.NotFound => StatusCodes.Status404NotFound,
        RequestErrorKind.TooLarge => StatusCodes.Status413PayloadTooLarge,
        RequestErrorKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    public static ErrorBody Body(DynamoRequestException error) => new(new ErrorDetail(error.Message, error.Kind switch
    {
        RequestErrorKind.Unavailable => "service_unavailable",
        RequestErrorKind.Internal => "internal_server_error",
        _ => "invalid_request_error",
    }, error.Param, error.Code));

    public static async Task WriteAsync(HttpContext context, DynamoRequestException error)
    {
        if (context.RequestAborted.IsCancellationRequested)
            return;
        if (!context.Response.HasStarted)
        {
            context.Response.StatusCode = Status(error.Kind);
            context.Response.ContentType = "application/json";
            await JsonSerializer.SerializeAsync(context.Response.Body, Body(error), OpenAiJson.Context.ErrorBody);
            return;
        }
        if (context.Response.ContentType == "text/event-stream")
        {
            var sse = new SseWriter(context.Response);
            await sse.WriteAsync(Body(error), OpenAiJson.Context.ErrorBody, CancellationToken.None);
            await sse.WriteDoneAsync(CancellationToken.None);
        }
    }
}
