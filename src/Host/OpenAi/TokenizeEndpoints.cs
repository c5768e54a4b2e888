using Dynamo.Runtime;
using Dynamo.Runtime.Errors;
using Dynamo.Runtime.Pipeline;

namespace Dynamo.Host.OpenAi;

/// <summary>
/// <c>POST /v1/tokenize</c> (a prompt, or chat messages through the model's template) and
/// <c>POST /v1/detokenize</c>, as vLLM serves them: <c>{"count", "max_model_len", "tokens"}</c> and <c>{"prompt"}</c>.
/// </summary>
internal sealed class TokenizeEndpoints(RequestBodyReader reader, DynamoRuntime runtime)
{
    public async Task TokenizeAsync(HttpContext context)
    {
        var body = await reader.ReadAsync(context.Request, OpenAiJson.Context.TokenizeRequest, context.RequestAborted);
        var result = (body.Prompt, body.Messages) switch
        {
            ({ } prompt, null) => runtime.Tokenize(body.Model, prompt, body.AddSpecialTokens ?? true),
            (null, { } messages) => runtime.TokenizeChat(new ChatRequest(body.Model, ChatMessageConverter.Messages(messages))
            {
                Tools = ChatMessageConverter.Tools(body.Tools),
                ChatTemplateKwargs = body.ChatTemplateKwargs,
            }),
            _ => throw DynamoRequestException.BadRequest("Give either 'prompt' (text) or 'messages' (a chat, rendered by the model's template).", "prompt"),
        };
        await context.Response.WriteAsJsonAsync(new TokenizeResponse(result.Tokens.Length, result.MaxContextLength, result.Tokens),
            OpenAiJson.Context.TokenizeResponse, cancellationToken: context.RequestAborted);
    }

    public async Task DetokenizeAsync(HttpContext context)
    {
        var body = await reader.ReadAsync(context.Request, OpenAiJson.Context.DetokenizeRequest, context.RequestAborted);
        var prompt = runtime.Detokenize(body.Model, body.Tokens ?? throw DynamoRequestException.BadRequest("'tokens' is required.", "tokens"));
        await context.Response.WriteAsJsonAsync(new DetokenizeResponse(prompt), OpenAiJson.Context.DetokenizeResponse, cancellationToken: context.RequestAborted);
    }
}

internal sealed class TokenizeRequest
{
    public string? Model { get; init; }
    public string? Prompt { get; init; }
    public List<ChatMessageBody>? Messages { get; init; }
    public List<ToolBody>? Tools { get; init; }
    public Dictionary<string, System.Text.Json.JsonElement>? ChatTemplateKwargs { get; init; }
    public bool? AddSpecialTokens { get; init; }
}

internal sealed record TokenizeResponse(int Count, int MaxModelLen, int[] Tokens);

internal sealed class DetokenizeRequest
{
    public string? Model { get; init; }
    public List<int>? Tokens { get; init; }
}

internal sealed record DetokenizeResponse(string Prompt);
