using Dynamo.Host.Metrics;
using Dynamo.Host.Pipeline;

namespace Dynamo.Host.OpenAi;

/// <summary><c>POST /v1/completions</c>: a raw prompt, no template and no parsers.</summary>
internal sealed class CompletionsEndpoint(RequestBodyReader reader, Preprocessor preprocessor, FrontendMetrics metrics, TimeProvider clock)
{
    public async Task HandleAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        var body = await reader.ReadAsync(context.Request, OpenAiJson.Context.CompletionRequest, cancellationToken);
        var request = preprocessor.Completion(body);
        using var requestMetrics = metrics.Start(request, "completions", context.Request.Headers["x-request-id"].FirstOrDefault());
        var created = clock.GetUtcNow().ToUnixTimeSeconds();
        var id = request.Engine.RequestId;
        var model = request.Model.Name;
        if (!request.Stream)
        {
            var (text, last) = await TextGeneration.CollectAsync(request, requestMetrics, cancellationToken);
            await context.Response.WriteAsJsonAsync(
                new CompletionResponse(id, created, model, [new CompletionChoice(0, text, FinishReasons.Name(last.Finish!.Value))], Usage.From(last.Usage!)),
                OpenAiJson.Context.CompletionResponse, cancellationToken: cancellationToken);
            return;
        }
        var sse = new SseWriter(context.Response);
        await sse.StartAsync(cancellationToken);
        await foreach (var delta in TextGeneration.RunAsync(request, requestMetrics, cancellationToken))
        {
            var finish = delta.Finish is { } f ? FinishReasons.Name(f) : null;
            await sse.WriteAsync(new CompletionResponse(id, created, model, [new CompletionChoice(0, delta.Text, finish)], null),
                OpenAiJson.Context.CompletionResponse, cancellationToken);
            if (delta.Usage is not { } usage)
                continue;
            requestMetrics.Succeeded(usage);
            if (request.IncludeUsage)
                await sse.WriteAsync(new CompletionResponse(id, created, model, [], Usage.From(usage)),
                    OpenAiJson.Context.CompletionResponse, cancellationToken);
        }
        await sse.WriteDoneAsync(cancellationToken);
    }
}
