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
        RequestErrorKind.Overloaded => "overloaded",
        RequestErrorKind.Internal => "internal_server_error",
        RequestErrorKind.Unauthorized => "authentication_error",
        _ => "invalid_request_error",
    }, error.Param, error.Code));

    public override async Task WriteAsync(HttpContext context, DynamoRequestException error)
    {
        if (await TryWriteBodyAsync(context, error.Kind, Body(error), OpenAiJson.Context.ErrorBody))
            return;
        if (IsStreaming(context))
        {
            var sse = new SseWriter(context.Response);
            await sse.WriteAsync(Body(error), OpenAiJson.Context.ErrorBody, CancellationToken.None);
            await sse.WriteDoneAsync(CancellationToken.None);
        }
    }
}
