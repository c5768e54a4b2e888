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
            var results = await runtime.CompleteChatChoicesAsync(request, info, cancellationToken);
            await context.Response.WriteAsJsonAsync(new ChatCompletionResponse(request.RequestId, created, request.ModelName,
                [.. results.Select((result, index) => new ChatChoice(index, Message(result), FinishReasons.Name(result.Finish), ChatLogprobs.From(result.Logprobs)))],
                Usage.From(Usage.Sum(results.Select(r => r.Usage)))), OpenAiJson.Context.ChatCompletionResponse, cancellationToken: cancellationToken);
            return;
        }

        var sse = new SseWriter(context.Response);
        await sse.StartAsync(cancellationToken);
        for (var index = 0; index < request.Choices; index++)
            await Send(index, new ChunkDelta("assistant", "", null, null), null, null);
        var usages = new List<Abstractions.Engines.EngineUsage>();
        await foreach (var (index, delta) in runtime.StreamChatChoicesAsync(request, info, cancellationToken))
        {
            var calls = delta.ToolCalls?.Select(c => new ToolCallOut(c.Index, c.Id, c.Id is null ? null : "function", new FunctionOut(c.Name, c.ArgumentsDelta))).ToList();
            await Send(index, new ChunkDelta(null, delta.Content, delta.Reasoning, calls), delta.Finish is { } finish ? FinishReasons.Name(finish) : null, ChatLogprobs.From(delta.Logprobs));
            if (delta.Usage is { } usage)
                usages.Add(usage);
        }
        if (body.StreamOptions?.IncludeUsage == true && usages.Count > 0)
            await sse.WriteAsync(new ChatCompletionChunk(request.RequestId, created, request.ModelName, [], Usage.From(Usage.Sum(usages))),
                OpenAiJson.Context.ChatCompletionChunk, cancellationToken);
        await sse.WriteDoneAsync(cancellationToken);

        Task Send(int index, ChunkDelta delta, string? finishReason, ChatLogprobs? logprobs) => sse.WriteAsync(
            new ChatCompletionChunk(request.RequestId, created, request.ModelName, [new ChunkChoice(index, delta, finishReason, logprobs)], null),
            OpenAiJson.Context.ChatCompletionChunk, cancellationToken);
    }

    private static ChatMessageOut Message(ChatResult result) => new("assistant", result.Content, result.Reasoning,
        result.ToolCalls.Count == 0 ? null : [.. result.ToolCalls.Select(c => new ToolCallOut(null, c.Id, "function", new FunctionOut(c.Name, c.ArgumentsJson)))]);
}
