using System.Text.Json;
using Dynamo.Host.Http;
using Dynamo.Runtime.Errors;

namespace Dynamo.Host.OpenAi;

/// <summary>
/// OpenAI's error body, <c>{"error":{"message","type","param","code"}}</c>, with the matching status;
/// once a stream has started the status is sent, so a failure then is a last SSE event.
/// </summary>
internal sealed class OpenAiErrors : ErrorShape
{
    public static readonly OpenAiErrors Shape = new();

    public static ErrorBody Body(DynamoRequestException error) => new(new ErrorDetail(error.Message, error.Kind switch
    {
        RequestErrorKind.Unavailable => "service_unavailable",
        RequestErrorKind.Internal => "internal_server_error",
        RequestErrorKind.Unauthorized => "authentication_error",
        _ => "invalid_request_error",
    }, error.Param, error.Code));

    public override async Task WriteAsync(HttpContext context, DynamoRequestException error)
    {
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
