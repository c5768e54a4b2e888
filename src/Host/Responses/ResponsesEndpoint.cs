using System.Text.Json;
using Dynamo.Abstractions.Engines;
using Dynamo.Abstractions.Requests;
using Dynamo.Host.Http;
using Dynamo.Host.OpenAi;
using Dynamo.Runtime;
using Dynamo.Runtime.Errors;
using Dynamo.Runtime.Pipeline;

namespace Dynamo.Host.Responses;

/// <summary>
/// <c>POST /v1/responses</c>, <c>GET /v1/responses/{id}</c> and <c>DELETE /v1/responses/{id}</c>: OpenAI's
/// Responses API on the runtime (Codex speaks it), whole or as its typed, numbered stream.
/// </summary>
internal sealed class ResponsesEndpoint(RequestBodyReader reader, DynamoRuntime runtime, ResponseStore store, TimeProvider clock, ILogger<ResponsesEndpoint> logger)
{
    public async Task CreateAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        var body = await reader.ReadAsync(context.Request, ResponsesJson.Context.ResponsesRequest, cancellationToken);
        var previous = body.PreviousResponseId is { } previousId
            ? (store.Get(previousId) ?? throw new DynamoRequestException(RequestErrorKind.NotFound,
                $"No stored response has the id '{previousId}' (never stored, deleted, or older than the store keeps).", "previous_response_id", "not_found")).Conversation
            : [];
        var converted = ResponsesRequests.ToChat(body, previous, runtime.Efforts);
        FrontDoor.ReportIgnoredTools(context, converted.IgnoredTools, logger, "hosted");
        var (metadata, identity) = SessionHeaders.Apply(context.Request, converted.Request.Metadata, body.PromptCacheKey);
        var request = runtime.PrepareChat(converted.Request with { Metadata = metadata });
        var stream = body.Stream ?? false;
        var info = new RequestInfo("responses", stream, context.Request.Headers["x-request-id"].FirstOrDefault(), identity);
        var shape = new ResponseShape(body, request, converted.Names, clock.GetUtcNow().ToUnixTimeSeconds());

        ResponseObject response;
        ChatMessage reply;
        if (!stream)
        {
            var result = await runtime.CompleteChatAsync(request, info, cancellationToken);
            response = shape.Finished(shape.Items(result.Reasoning, result.Content, result.ToolCalls, OpenAi.ChatLogprobs.From(result.Logprobs)?.Content),
                result.Finish, Usage(request.ModelName, result.Usage, result.Reasoning));
            reply = Reply(result.Content, result.Reasoning, result.ToolCalls);
            await context.Response.WriteAsJsonAsync(response, ResponsesJson.Context.ResponseObject, cancellationToken: cancellationToken);
        }
        else
        {
            var sse = new SseWriter(context.Response);
            await sse.StartAsync(cancellationToken);
            var events = new ResponseStreamWriter(sse, shape, context, cancellationToken);
            await events.StartAsync();
            ChatDelta? last = null;
            await foreach (var delta in runtime.StreamChatAsync(request, info, cancellationToken))
            {
                await events.DeltaAsync(delta);
                last = delta;
            }
            var (items, text, reasoning, calls) = await events.CloseAsync();
            response = shape.Finished(items, last!.Finish!.Value, Usage(request.ModelName, last.Usage!, reasoning));
            reply = Reply(text, reasoning, calls);
            await events.FinishAsync(response);
        }
        if (body.Store ?? true)
            store.Put(response, [.. converted.Conversation, reply]);
    }

    public async Task GetAsync(HttpContext context)
    {
        var id = (string)context.GetRouteValue("id")!;
        var entry = store.Get(id) ?? throw NotFound(id);
        await context.Response.WriteAsJsonAsync(entry.Response, ResponsesJson.Context.ResponseObject, cancellationToken: context.RequestAborted);
    }

    public async Task DeleteAsync(HttpContext context)
    {
        var id = (string)context.GetRouteValue("id")!;
        if (!store.Delete(id))
            throw NotFound(id);
        await context.Response.WriteAsJsonAsync(new DeletedResponse(id), ResponsesJson.Context.DeletedResponse, cancellationToken: context.RequestAborted);
    }

    private static DynamoRequestException NotFound(string id) =>
        new(RequestErrorKind.NotFound, $"No stored response has the id '{id}'.", "response_id", "not_found");

    /// <summary>The assistant's turn as the next request will send it back: model-facing tool names, reasoning kept.</summary>
    private static ChatMessage Reply(string? content, string? reasoning, IReadOnlyList<ToolCall> calls) =>
        new("assistant", content, ToolCalls: calls.Count > 0 ? calls : null, ReasoningContent: reasoning);

    private ResponseUsage Usage(string model, EngineUsage usage, string? reasoning)
    {
        var reasoningTokens = reasoning is { Length: > 0 } ? runtime.Tokenize(model, reasoning, addSpecialTokens: false).Tokens.Length : 0;
        return new ResponseUsage(usage.PromptTokens, new InputTokensDetails(usage.CachedTokens), usage.CompletionTokens,
            new OutputTokensDetails(Math.Min(reasoningTokens, usage.CompletionTokens)), usage.PromptTokens + usage.CompletionTokens);
    }
}
