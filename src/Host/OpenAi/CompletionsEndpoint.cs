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
            var results = await runtime.CompleteTextChoicesAsync(request, info, cancellationToken);
            await context.Response.WriteAsJsonAsync(new CompletionResponse(id, created, model,
                [.. results.Select((result, index) => new CompletionChoice(index, result.Text, FinishReasons.Name(result.Finish), CompletionLogprobs.From(result.Logprobs)))],
                Usage.From(Usage.Sum(results.Select(r => r.Usage)))), OpenAiJson.Context.CompletionResponse, cancellationToken: cancellationToken);
            return;
        }
        var sse = new SseWriter(context.Response);
        await sse.StartAsync(cancellationToken);
        var usages = new List<Abstractions.Engines.EngineUsage>();
        var offsets = new int[request.Choices];
        await foreach (var (index, delta) in runtime.StreamTextChoicesAsync(request, info, cancellationToken))
        {
            var finish = delta.Finish is { } f ? FinishReasons.Name(f) : null;
            await sse.WriteAsync(new CompletionResponse(id, created, model, [new CompletionChoice(index, delta.Text, finish, CompletionLogprobs.From(delta.Logprobs, offsets[index]))], null),
                OpenAiJson.Context.CompletionResponse, cancellationToken);
            offsets[index] += delta.Text.Length;
            if (delta.Usage is { } usage)
                usages.Add(usage);
        }
        if (body.StreamOptions?.IncludeUsage == true && usages.Count > 0)
            await sse.WriteAsync(new CompletionResponse(id, created, model, [], Usage.From(Usage.Sum(usages))),
                OpenAiJson.Context.CompletionResponse, cancellationToken);
        await sse.WriteDoneAsync(cancellationToken);
    }
}
