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
        RequestErrorKind.Unavailable or RequestErrorKind.Overloaded => "overloaded_error",
        _ => "api_error",
    }, error.Param is { } param && !error.Message.Contains(param, StringComparison.Ordinal) ? $"{param}: {error.Message}" : error.Message));

    public override async Task WriteAsync(HttpContext context, DynamoRequestException error)
    {
        if (await TryWriteBodyAsync(context, error.Kind, Body(error), AnthropicJson.Context.AnthropicErrorBody))
            return;
        if (IsStreaming(context))
            await new SseWriter(context.Response).WriteAsync(Body(error), AnthropicJson.Context.AnthropicErrorBody, CancellationToken.None, "error");
    }
}
