using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Dynamo.Runtime.Errors;

namespace Dynamo.Host.Http;

/// <summary>How one API answers a failed request: its status codes and its error body, before or inside a stream.</summary>
internal abstract class ErrorShape
{
    public virtual int Status(RequestErrorKind kind) => kind switch
    {
        RequestErrorKind.InvalidRequest => StatusCodes.Status400BadRequest,
        RequestErrorKind.Unauthorized => StatusCodes.Status401Unauthorized,
        RequestErrorKind.NotFound => StatusCodes.Status404NotFound,
        RequestErrorKind.TooLarge => StatusCodes.Status413PayloadTooLarge,
        RequestErrorKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        RequestErrorKind.Overloaded => 529,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>Answers <paramref name="error"/>: a body with the status, or (a stream already begun) a last event.</summary>
    public abstract Task WriteAsync(HttpContext context, DynamoRequestException error);

    /// <summary>Before the response has started: the status and <paramref name="body"/>. False once it has (a stream is under way).</summary>
    protected async Task<bool> TryWriteBodyAsync<T>(HttpContext context, RequestErrorKind kind, T body, JsonTypeInfo<T> typeInfo)
    {
        if (context.Response.HasStarted)
            return false;
        context.Response.StatusCode = Status(kind);
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, body, typeInfo);
        return true;
    }

    /// <summary>The response under way is an event stream, so a failure can still be told as an event.</summary>
    protected static bool IsStreaming(HttpContext context) => context.Response.ContentType == "text/event-stream";
}
