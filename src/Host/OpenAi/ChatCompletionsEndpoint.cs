using System.Text.Json;
using Dynamo.Host.Http;
using Dynamo.Host.Tracing;
using Dynamo.Runtime;
using Dynamo.Runtime.Pipeline;
using Dynamo.Runtime.Tracing;

namespace Dynamo.Host.OpenAi;

/// <summary><c>POST /v1/chat/completions</c>: the body as a runtime request, the runtime's result or deltas as JSON or SSE.</summary>
internal sealed class ChatCompletionsEndpoint(RequestBodyReader reader, DynamoRuntime runtime, TimeProvider clock, RequestTracer? tracer = null)
{
    public async Task HandleAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        JsonElement? raw = null;
        var body = await reader.ReadAsync(context.Request, OpenAiJson.Context.ChatCompletionRequest, cancellationToken,
            tracer?.Wants(TraceRecordKinds.RequestPayload) == true ? json => raw = json : null);
        var chat = OpenAiRequests.ToChat(body);
        var (metadata, identity) = SessionHeaders.Apply(context.Request, chat.Metadata);
        var request = runtime.PrepareChat(chat with { Metadata = metadata });
        var info = new RequestInfo("chat_completions", body.Stream ?? false, context.Request.Headers["x-request-id"].FirstOrDefault(), identity);
        var payload = ChatPayloadRecorder.Start(tracer, context.Request, raw, clock);
        try
        {
            await RespondAsync(context, body, request, info, payload, cancellationToken);
        }
        finally
        {
            payload?.Finish(request.RequestId, request.ModelName, cancellationToken.IsCancellationRequested);
        }
    }

    private async Task RespondAsync(HttpContext context, ChatCompletionRequest body, PreparedRequest request, RequestInfo info, ChatPayloadRecorder? payload, CancellationToken cancellationToken)
    {
        var created = clock.GetUtcNow().ToUnixTimeSeconds();
        if (body.Stream != true)
        {
            var results = await runtime.CompleteChatChoicesAsync(request, info, cancellationToken);
            var response = new ChatCompletionResponse(request.RequestId, created, request.ModelName,
                [.. results.Select((result, index) => new ChatChoice(index, Message(result), FinishReasons.Name(result.Finish), ChatLogprobs.From(result.Logprobs)))],
                Usage.From(Usage.Sum(results.Select(r => r.Usage))));
            await context.Response.WriteAsJsonAsync(response, OpenAiJson.Context.ChatCompletionResponse, cancellationToken: cancellationToken);
            payload?.Respond(response);
            return;
        }

        var sse = new SseWriter(context.Response);
        await sse.StartAsync(cancellationToken);
        for (var index = 0; index < request.Choices; index++)
            await Send(index, new ChunkDelta("assistant", "", null, null), null, null);
        var usages = new List<Abstractions.Engines.EngineUsage>();
        await foreach (var (index, delta) in runtime.StreamChatChoicesAsync(request, info, cancellationToken))
        {
            payload?.Delta(index, delta);
            var calls = delta.ToolCalls?.Select(c => new ToolCallOut(c.Index, c.Id, c.Id is null ? null : "function", new FunctionOut(c.Name, c.ArgumentsDelta))).ToList();
            await Send(index, new ChunkDelta(null, delta.Content, delta.Reasoning, calls), delta.Finish is { } finish ? FinishReasons.Name(finish) : null, ChatLogprobs.From(delta.Logprobs));
            if (delta.Usage is { } usage)
                usages.Add(usage);
        }
        if (body.StreamOptions?.IncludeUsage == true && usages.Count > 0)
            await sse.WriteAsync(new ChatCompletionChunk(request.RequestId, created, request.ModelName, [], Usage.From(Usage.Sum(usages))),
                OpenAiJson.Context.ChatCompletionChunk, cancellationToken);
        await sse.WriteDoneAsync(cancellationToken);
        payload?.Streamed(request.RequestId, created, request.ModelName);

        Task Send(int index, ChunkDelta delta, string? finishReason, ChatLogprobs? logprobs) => sse.WriteAsync(
            new ChatCompletionChunk(request.RequestId, created, request.ModelName, [new ChunkChoice(index, delta, finishReason, logprobs)], null),
            OpenAiJson.Context.ChatCompletionChunk, cancellationToken);
    }

    private static ChatMessageOut Message(ChatResult result) => new("assistant", result.Content, result.Reasoning,
        result.ToolCalls.Count == 0 ? null : [.. result.ToolCalls.Select(c => new ToolCallOut(null, c.Id, "function", new FunctionOut(c.Name, c.ArgumentsJson)))]);
}
