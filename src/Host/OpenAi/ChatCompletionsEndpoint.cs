using Dynamo.Abstractions.Engines;
using Dynamo.Host.Metrics;
using Dynamo.Host.Pipeline;

namespace Dynamo.Host.OpenAi;

/// <summary><c>POST /v1/chat/completions</c>: preprocess → route → engine → postprocess → JSON or SSE.</summary>
internal sealed class ChatCompletionsEndpoint(RequestBodyReader reader, Preprocessor preprocessor, FrontendMetrics metrics, TimeProvider clock, SpeculativePrefill prefill)
{
    public async Task HandleAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        var body = await reader.ReadAsync(context.Request, OpenAiJson.Context.ChatCompletionRequest, cancellationToken);
        var request = preprocessor.Chat(body);
        using var requestMetrics = metrics.Start(request, "chat_completions", context.Request.Headers["x-request-id"].FirstOrDefault());
        var created = clock.GetUtcNow().ToUnixTimeSeconds();
        if (request.Stream)
            await StreamAsync(context.Response, request, requestMetrics, created, cancellationToken);
        else
            await context.Response.WriteAsJsonAsync(await CompleteAsync(request, requestMetrics, created, cancellationToken),
                OpenAiJson.Context.ChatCompletionResponse, cancellationToken: cancellationToken);
    }

    private async Task<ChatCompletionResponse> CompleteAsync(PreprocessedRequest request, RequestMetrics metrics, long created, CancellationToken cancellationToken)
    {
        var (text, last) = await TextGeneration.CollectAsync(request, metrics, cancellationToken);
        var (content, reasoning, toolCalls) = ChatOutputParser.Parse(request, text);
        prefill.StartAfter(request, metrics.Route.WorkerId, content, reasoning, toolCalls);
        var calls = toolCalls.Count == 0 ? null
            : toolCalls.Select(c => new ToolCallOut(null, c.Id, "function", new FunctionOut(c.Name, c.ArgumentsJson))).ToList();
        var finish = calls is not null ? FinishReason.ToolCalls : last.Finish!.Value;
        return new ChatCompletionResponse(request.Engine.RequestId, created, request.Model.Name,
            [new ChatChoice(0, new ChatMessageOut("assistant", content, reasoning, calls), FinishReasons.Name(finish))],
            Usage.From(last.Usage!));
    }

    private async Task StreamAsync(HttpResponse response, PreprocessedRequest request, RequestMetrics metrics, long created, CancellationToken cancellationToken)
    {
        var sse = new SseWriter(response);
        var post = new ChatStreamPostprocessor(request);
        await sse.StartAsync(cancellationToken);
        await Send(new ChunkDelta("assistant", "", null, null), null);
        // The whole text is kept only for a speculative prefill, which renders the reply as the next turn will.
        var whole = request.Engine.Metadata.AgentHints?.SpeculativePrefill == true ? new System.Text.StringBuilder() : null;
        await foreach (var delta in TextGeneration.RunAsync(request, metrics, cancellationToken))
        {
            whole?.Append(delta.Text);
            if (post.Push(delta.Text) is { } chunk)
                await Send(chunk, null);
            if (delta.Finish is not { } finish)
                continue;
            var tail = post.Finish();
            var reason = post.SawToolCalls ? FinishReason.ToolCalls : finish;
            await Send(tail ?? new ChunkDelta(null, null, null, null), FinishReasons.Name(reason));
            metrics.Succeeded(delta.Usage!);
            if (request.IncludeUsage)
                await sse.WriteAsync(new ChatCompletionChunk(request.Engine.RequestId, created, request.Model.Name, [], Usage.From(delta.Usage!)),
                    OpenAiJson.Context.ChatCompletionChunk, cancellationToken);
        }
        await sse.WriteDoneAsync(cancellationToken);
        if (whole is not null)
        {
            var (content, reasoning, toolCalls) = ChatOutputParser.Parse(request, whole.ToString());
            prefill.StartAfter(request, metrics.Route.WorkerId, content, reasoning, toolCalls);
        }

        Task Send(ChunkDelta delta, string? finishReason) => sse.WriteAsync(
            new ChatCompletionChunk(request.Engine.RequestId, created, request.Model.Name, [new ChunkChoice(0, delta, finishReason)], null),
            OpenAiJson.Context.ChatCompletionChunk, cancellationToken);
    }
}
