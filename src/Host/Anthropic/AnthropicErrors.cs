using System.Text.Json;
using Dynamo.Host.Http;
using Dynamo.Runtime.Errors;

namespace Dynamo.Host.Anthropic;

/// <summary>
/// Anthropic's error body, <c>{"type":"error","error":{"type","message"}}</c>, with its statuses (a
/// model with no worker is <c>overloaded_error</c>, 529, which harnesses retry); mid-stream, an <c>error</c> event.
/// </summary>
internal sealed class AnthropicErrors : ErrorShape
{
    public static readonly AnthropicErrors Shape = new();

    public override int Status(RequestErrorKind kind) => kind == RequestErrorKind.Unavailable ? 529 : base.Status(kind);

    public static AnthropicErrorBody Body(DynamoRequestException error) => new(new AnthropicErrorDetail(error.Kind switch
    {
        RequestErrorKind.InvalidRequest => "invalid_request_error",
        RequestErrorKind.Unauthorized => "authentication_error",
        RequestErrorKind.NotFound => "not_found_error",
        RequestErrorKind.TooLarge => "request_too_large",
        RequestErrorKind.Unavailable => "overloaded_error",
        _ => "api_error",
    }, error.Param is { } param && !error.Message.Contains(param, StringComparison.Ordinal) ? $"{param}: {error.Message}" : error.Message));

    public override async Task WriteAsync(HttpContext context, DynamoRequestException error)
    {
        if (!context.Response.HasStarted)
        {
            context.Response.StatusCode = Status(error.Kind);
            context.Response.ContentType = "application/json";
            await JsonSerializer.SerializeAsync(context.Response.Body, Body(error), AnthropicJson.Context.AnthropicErrorBody);
            return;
        }
        if (context.Response.ContentType == "text/event-stream")
            await new SseWriter(context.Response).WriteAsync(Body(error), AnthropicJson.Context.AnthropicErrorBody, CancellationToken.None, "error");
    }
}
