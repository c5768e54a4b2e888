using System.Text.Json;
using Dynamo.Host.Http;
using Dynamo.Host.OpenAi;
using Dynamo.Runtime.Errors;

namespace Dynamo.Host.Responses;

/// <summary>OpenAI's error body before a stream starts; after, the Responses stream's own <c>error</c> event, numbered in sequence.</summary>
internal sealed class ResponsesErrors : ErrorShape
{
    public static readonly ResponsesErrors Shape = new();

    /// <summary>Where a stream keeps its next sequence number, so an error event continues it.</summary>
    public const string SequenceKey = "dynamo.responses.sequence";

    public override async Task WriteAsync(HttpContext context, DynamoRequestException error)
    {
        if (!context.Response.HasStarted)
        {
            await OpenAiErrors.Shape.WriteAsync(context, error);
            return;
        }
        if (IsStreaming(context))
        {
            var sequence = context.Items[SequenceKey] as int? ?? 0;
            await new SseWriter(context.Response).WriteAsync(new StreamError(error.Code ?? OpenAiErrors.Body(error).Error.Type, error.Message, error.Param, sequence),
                ResponsesJson.Context.StreamError, CancellationToken.None, "error");
        }
    }
}
