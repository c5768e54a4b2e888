using Dynamo.Host.Http;
using Dynamo.Runtime;
using Dynamo.Runtime.Pipeline;

namespace Dynamo.Host.OpenAi;

/// <summary><c>POST /v1/completions</c>: a raw prompt, no template and no parsers.</summary>
internal sealed class CompletionsEndpoint(RequestBodyReader reader, DynamoRuntime runtime, TimeProvider clock)
{
    public async Task HandleAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        var body = await reader.ReadAsync(context.Request, OpenAiJson.Context.CompletionRequest, cancellationToken);
        var completion = OpenAiRequests.ToCompletion(body);
        var (metadata, identity) = SessionHeaders.Apply(context.Request, completion.Metadata);
        var request = runtime.PrepareCompletion(completion with { Metadata = metadata });
        var stream = body.Stream ?? false;
        var info = new RequestInfo("completions", stream, context.Request.Headers["x-request-id"].FirstOrDefault(), identity);
        var created = clock.GetUtcNow().ToUnixTimeSeconds();
        var (id, model) = (request.RequestId, request.ModelName);
        if (!stream)
        {
            var result = await runtime.CompleteTextAsync(request, info, cancellationToken);
            await context.Response.WriteAsJsonAsync(
                new CompletionResponse(id, created, model, [new CompletionChoice(0, result.Text, FinishReasons.Name(result.Finish))], Usage.From(result.Usage)),
                OpenAiJson.Context.CompletionResponse, cancellationToken: cancellationToken);
            return;
        }
        var sse = new SseWriter(context.Response);
        await sse.StartAsync(cancellationToken);
        await foreach (var delta in runtime.StreamTextAsync(request, info, cancellationToken))
        {
            var finish = delta.Finish is { } f ? FinishReasons.Name(f) : null;
            await sse.WriteAsync(new CompletionResponse(id, created, model, [new CompletionChoice(0, delta.Text, finish)], null),
                OpenAiJson.Context.CompletionResponse, cancellationToken);
            if (delta.Usage is { } usage && body.StreamOptions?.IncludeUsage == true)
                await sse.WriteAsync(new CompletionResponse(id, created, model, [], Usage.From(usage)),
                    OpenAiJson.Context.CompletionResponse, cancellationToken);
        }
        await sse.WriteDoneAsync(cancellationToken);
    }
}
