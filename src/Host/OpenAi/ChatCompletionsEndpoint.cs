using Dynamo.Host.Http;
using Dynamo.Runtime;
using Dynamo.Runtime.Pipeline;

namespace Dynamo.Host.OpenAi;

/// <summary><c>POST /v1/chat/completions</c>: the body as a runtime request, the runtime's result or deltas as JSON or SSE.</summary>
internal sealed class ChatCompletionsEndpoint(RequestBodyReader reader, DynamoRuntime runtime, TimeProvider clock)
{
    public async Task HandleAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        var body = await reader.ReadAsync(context.Request, OpenAiJson.Context.ChatCompletionRequest, cancellationToken);
        var chat = OpenAiRequests.ToChat(body);
        var (metadata, identity) = SessionHeaders.Apply(context.Request, chat.Metadata);
        var request = runtime.PrepareChat(chat with { Metadata = metadata });
        var stream = body.Stream ?? false;
        var info = new RequestInfo("chat_completions", stream, context.Request.Headers["x-request-id"].FirstOrDefault(), identity);
        var created = clock.GetUtcNow().ToUnixTimeSeconds();
        if (!stream)
        {
            var result = await runtime.CompleteChatAsync(request, info, cancellationToken);
            var calls = result.ToolCalls.Count == 0 ? null
                : result.ToolCalls.Select(c => new ToolCallOut(null, c.Id, "function", new FunctionOut(c.Name, c.ArgumentsJson))).ToList();
            await context.Response.WriteAsJsonAsync(new ChatCompletionResponse(result.RequestId, created, result.Model,
                [new ChatChoice(0, new ChatMessageOut("assistant", result.Content, result.Reasoning, calls), FinishReasons.Name(result.Finish))],
                Usage.From(result.Usage)), OpenAiJson.Context.ChatCompletionResponse, cancellationToken: cancellationToken);
            return;
        }

        var sse = new SseWriter(context.Response);
        await sse.StartAsync(cancellationToken);
        await Send(new ChunkDelta("assistant", "", null, null), null);
        await foreach (var delta in runtime.StreamChatAsync(request, info, cancellationToken))
        {
            var calls = delta.ToolCalls?.Select(c => new ToolCallOut(c.Index, c.Id, c.Id is null ? null : "function", new FunctionOut(c.Name, c.ArgumentsDelta))).ToList();
            await Send(new ChunkDelta(null, delta.Content, delta.Reasoning, calls), delta.Finish is { } finish ? FinishReasons.Name(finish) : null);
            if (delta.Usage is { } usage && body.StreamOptions?.IncludeUsage == true)
                await sse.WriteAsync(new ChatCompletionChunk(request.RequestId, created, request.ModelName, [], Usage.From(usage)),
                    OpenAiJson.Context.ChatCompletionChunk, cancellationToken);
        }
        await sse.WriteDoneAsync(cancellationToken);

        Task Send(ChunkDelta delta, string? finishReason) => sse.WriteAsync(
            new ChatCompletionChunk(request.RequestId, created, request.ModelName, [new ChunkChoice(0, delta, finishReason)], null),
            OpenAiJson.Context.ChatCompletionChunk, cancellationToken);
    }
}
