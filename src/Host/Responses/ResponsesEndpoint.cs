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
        if (converted.IgnoredTools.Count > 0)
        {
            context.Response.Headers["x-dynamo-ignored-tools"] = string.Join(",", converted.IgnoredTools);
            logger.LogInformation("Left out hosted tools this server cannot run: {Tools}", string.Join(", ", converted.IgnoredTools));
        }
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
            response = shape.Finished(shape.Items(result.Reasoning, result.Content, result.ToolCalls), result.Finish, Usage(request.ModelName, result.Usage, result.Reasoning));
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

/// <summary>What a response looks like apart from its output: the request's settings echoed, and how its items are made.</summary>
internal sealed class ResponseShape(ResponsesRequest body, PreparedRequest request, ToolNames names, long createdAt)
{
    public string Id { get; } = "resp_" + request.RequestId[(request.RequestId.IndexOf('-') + 1)..];

    /// <summary>Reasoning as a summary (<c>reasoning.summary</c> asked for) or as reasoning text.</summary>
    public bool Summarized { get; } = body.Reasoning?.Summary is { Length: > 0 } || body.Reasoning?.GenerateSummary is { Length: > 0 };

    public bool IncludesEncryptedReasoning { get; } = body.Include?.Contains("reasoning.encrypted_content") == true;

    private int _items;

    public string NextItemId(string prefix) => $"{prefix}_{Id["resp_".Length..]}{_items++:x2}";

    public ResponseObject InProgress() => Object("in_progress", [], null, null);

    public ResponseObject Finished(List<OutputItem> items, FinishReason finish, ResponseUsage usage) => finish == FinishReason.Length
        ? Object("incomplete", items, usage, new IncompleteDetails("max_output_tokens"))
        : Object("completed", items, usage, null);

    private ResponseObject Object(string status, List<OutputItem> output, ResponseUsage? usage, IncompleteDetails? incomplete) => new(
        Id, createdAt, status, request.ModelName, output, usage, incomplete, null, body.Instructions, body.MaxOutputTokens, body.PreviousResponseId,
        new ReasoningOut(body.Reasoning?.Effort, body.Reasoning?.Summary), body.Store ?? true, body.Temperature, body.TopP, body.ParallelToolCalls ?? true,
        body.ToolChoice ?? JsonSerializer.SerializeToElement("auto", ResponsesJson.Context.String), body.Tools ?? [], body.Metadata ?? [], body.User);

    /// <summary>The output items of a whole answer: reasoning, the message, then each call.</summary>
    public List<OutputItem> Items(string? reasoning, string? content, IReadOnlyList<ToolCall> calls)
    {
        var items = new List<OutputItem>();
        if (reasoning is { Length: > 0 })
            items.Add(Reasoning(NextItemId("rs"), reasoning));
        if (content is { Length: > 0 })
            items.Add(Message(NextItemId("msg"), content, "completed"));
        items.AddRange(calls.Select(call => Call(call.Id, call.Name, call.ArgumentsJson, "completed")));
        return items;
    }

    public OutputItem Reasoning(string id, string text) => new(id, "reasoning",
        Summary: Summarized ? [new OutputContent("summary_text", text)] : [],
        Content: Summarized ? null : [new OutputContent("reasoning_text", text)],
        EncryptedContent: IncludesEncryptedReasoning ? ReasoningCipher.Seal(text) : null);

    public static OutputItem Message(string id, string text, string status) =>
        new(id, "message", status, "assistant", text.Length > 0 ? [new OutputContent("output_text", text, [])] : []);

    /// <summary>A call as the API reports it: a custom tool's call carries its freeform input, a namespaced function is split back.</summary>
    public OutputItem Call(string callId, string modelName, string arguments, string status, string? id = null)
    {
        if (names.IsCustom(modelName))
            return new OutputItem(id ?? NextItemId("ctc"), "custom_tool_call", status, CallId: callId, Name: modelName, Input: CustomInput(arguments));
        var (name, @namespace) = names.Resolve(modelName);
        return new OutputItem(id ?? NextItemId("fc"), "function_call", status, CallId: callId, Name: name, Namespace: @namespace, Arguments: arguments);
    }

    public bool IsCustom(string modelName) => names.IsCustom(modelName);

    /// <summary>A custom tool's input: the model wrote <c>{"input": "…"}</c> (the one argument it was shown); anything else is passed as written.</summary>
    public static string CustomInput(string arguments)
    {
        try
        {
            using var document = JsonDocument.Parse(arguments);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("input", out var input) && input.ValueKind == JsonValueKind.String)
                return input.GetString()!;
        }
        catch (JsonException)
        {
        }
        return arguments;
    }
}
