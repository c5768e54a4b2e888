using System.Text.Json;
using Dynamo.Runtime.Errors;
using Dynamo.Runtime.Pipeline;
using RuntimeCompletionRequest = Dynamo.Runtime.Pipeline.CompletionRequest;

namespace Dynamo.Host.OpenAi;

/// <summary>OpenAI request bodies as the runtime's records: the wire checks (shapes, OpenAI's own fields) happen here.</summary>
internal static class OpenAiRequests
{
    public static ChatRequest ToChat(ChatCompletionRequest body)
    {
        Common(body);
        if (body.Logprobs == true)
            throw NotYet("logprobs", "'logprobs' is not supported yet.");
        if (body.TopLogprobs is not null)
            throw NotYet("top_logprobs", "'top_logprobs' is not supported yet.");
        if (body.ResponseFormat is { ValueKind: not JsonValueKind.Null } format && !IsText(format))
            throw NotYet("response_format", "'response_format' other than {\"type\": \"text\"} is not supported yet (it needs constrained decoding).");
        if (body.ParallelToolCalls == false)
            throw NotYet("parallel_tool_calls", "'parallel_tool_calls': false is not supported yet (it needs constrained decoding).");
        var (maxTokens, maxTokensField) = body.MaxCompletionTokens is { } mct ? (mct, "max_completion_tokens") : (body.MaxTokens, "max_tokens");
        return new ChatRequest(body.Model, ChatMessageConverter.Messages(body.Messages))
        {
            Tools = ChatMessageConverter.Tools(body.Tools),
            ToolChoice = ChatMessageConverter.ToolChoice(body.ToolChoice),
            Sampling = Sampling(body),
            MaxTokens = maxTokens,
            MaxTokensField = maxTokensField,
            Stop = Stop(body.Stop),
            IgnoreEos = body.IgnoreEos ?? false,
            Metadata = Nvext.Metadata(body.Nvext),
            ChatTemplateKwargs = body.ChatTemplateKwargs,
            MaxThinkingTokens = body.Nvext?.MaxThinkingTokens,
        };
    }

    public static RuntimeCompletionRequest ToCompletion(CompletionRequest body)
    {
        Common(body);
        if (body.Echo == true)
            throw DynamoRequestException.BadRequest("'echo' is not supported.", "echo");
        if (body.Logprobs is not null)
            throw NotYet("logprobs", "'logprobs' is not supported yet.");
        var (text, ids) = Prompt(body.Prompt);
        return new RuntimeCompletionRequest(body.Model, text, ids)
        {
            Sampling = Sampling(body),
            MaxTokens = body.MaxTokens,
            DefaultMaxTokens = 16, // OpenAI's legacy default
            Stop = Stop(body.Stop),
            IgnoreEos = body.IgnoreEos ?? false,
            Metadata = Nvext.Metadata(body.Nvext),
        };
    }

    private static void Common(GenerationRequestBody body)
    {
        if (string.IsNullOrEmpty(body.Model))
            throw DynamoRequestException.BadRequest("'model' is required.", "model");
        if (body.N is not null and not 1)
            throw DynamoRequestException.BadRequest($"'n' must be 1 (more choices per request are not supported yet), got {body.N}.", "n");
        if (body.StreamOptions is not null && body.Stream != true)
            throw DynamoRequestException.BadRequest("'stream_options' is only allowed when 'stream' is true.", "stream_options");
        if (body.LogitBias is { ValueKind: JsonValueKind.Object } bias && bias.EnumerateObject().Any()
            || body.LogitBias is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null) })
            throw NotYet("logit_bias", "'logit_bias' is not supported yet.");
    }

    private static DynamoRequestException NotYet(string field, string message) => DynamoRequestException.BadRequest(message, field, "unsupported_parameter");

    private static bool IsText(JsonElement format) =>
        format.ValueKind == JsonValueKind.Object && format.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "text";

    private static Abstractions.Requests.SamplingParams Sampling(GenerationRequestBody body) => Runtime.Pipeline.Sampling.From(
        body.Temperature, body.TopP, body.TopK, body.Seed, body.MinP, body.RepetitionPenalty, body.PresencePenalty, body.FrequencyPenalty);

    private static IReadOnlyList<string> Stop(JsonElement? stop) => stop switch
    {
        null or { ValueKind: JsonValueKind.Null } => [],
        { ValueKind: JsonValueKind.String } one => [one.GetString()!],
        { ValueKind: JsonValueKind.Array } many when many.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) =>
            [.. many.EnumerateArray().Select(e => e.GetString()!)],
        _ => throw DynamoRequestException.BadRequest("'stop' must be a string or an array of strings.", "stop"),
    };

    private static (string? Text, IReadOnlyList<int>? Ids) Prompt(JsonElement? prompt)
    {
        const string param = "prompt";
        if (prompt is not { } p || p.ValueKind == JsonValueKind.Null)
            throw DynamoRequestException.BadRequest("'prompt' is required.", param);
        if (p.ValueKind == JsonValueKind.String)
            return (p.GetString()!, null);
        if (p.ValueKind == JsonValueKind.Array && p.GetArrayLength() > 0 && p.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Number))
            return (null, [.. p.EnumerateArray().Select(e => e.TryGetInt32(out var id) ? id : -1)]);
        if (p.ValueKind == JsonValueKind.Array && p.GetArrayLength() == 1 && p[0].ValueKind == JsonValueKind.String)
            return (p[0].GetString()!, null);
        throw DynamoRequestException.BadRequest("'prompt' must be a string, an array of one string, or an array of token ids (batches are not supported yet).", param);
    }
}
