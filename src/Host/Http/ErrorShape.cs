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
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>Answers <paramref name="error"/>: a body with the status, or (a stream already begun) a last event.</summary>
    public abstract Task WriteAsync(HttpContext context, DynamoRequestException error);
}
