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
        if (body.TopLogprobs is not null && body.Logprobs != true)
            throw DynamoRequestException.BadRequest("'top_logprobs' needs 'logprobs': true.", "top_logprobs");
        var (maxTokens, maxTokensField) = body.MaxCompletionTokens is { } mct ? (mct, "max_completion_tokens") : (body.MaxTokens, "max_tokens");
        return new ChatRequest(body.Model, ChatMessageConverter.Messages(body.Messages))
        {
            Tools = ChatMessageConverter.Tools(body.Tools),
            ToolChoice = ChatMessageConverter.ToolChoice(body.ToolChoice),
            ParallelToolCalls = body.ParallelToolCalls ?? true,
            Sampling = Sampling(body),
            MaxTokens = maxTokens,
            MaxTokensField = maxTokensField,
            Stop = Stop(body.Stop),
            IgnoreEos = body.IgnoreEos ?? false,
            Metadata = Nvext.Metadata(body.Nvext),
            ChatTemplateKwargs = body.ChatTemplateKwargs,
            MaxThinkingTokens = body.Nvext?.MaxThinkingTokens,
            Decoding = Decoding(body, body.Logprobs == true ? body.TopLogprobs ?? 0 : null),
        };
    }

    public static RuntimeCompletionRequest ToCompletion(CompletionRequest body)
    {
        Common(body);
        if (body.Echo == true)
            throw DynamoRequestException.BadRequest("'echo' is not supported.", "echo");
        if (body.Logprobs is < 0 or > DecodingSetup.MaxTopLogprobs)
            throw DynamoRequestException.BadRequest($"'logprobs' must be between 0 and {DecodingSetup.MaxTopLogprobs}, got {body.Logprobs}.", "logprobs");
        var (text, ids) = Prompt(body.Prompt);
        return new RuntimeCompletionRequest(body.Model, text, ids)
        {
            Sampling = Sampling(body),
            MaxTokens = body.MaxTokens,
            DefaultMaxTokens = 16, // OpenAI's legacy default
            Stop = Stop(body.Stop),
            IgnoreEos = body.IgnoreEos ?? false,
            Metadata = Nvext.Metadata(body.Nvext),
            Decoding = Decoding(body, body.Logprobs),
        };
    }

    private static void Common(GenerationRequestBody body)
    {
        if (string.IsNullOrEmpty(body.Model))
            throw DynamoRequestException.BadRequest("'model' is required.", "model");
        if (body.StreamOptions is not null && body.Stream != true)
            throw DynamoRequestException.BadRequest("'stream_options' is only allowed when 'stream' is true.", "stream_options");
    }

    /// <summary>Structured output, log probabilities (<paramref name="topLogprobs"/>: null when not asked), n, logit bias, stop token ids and min_tokens.</summary>
    private static DecodingOptions Decoding(GenerationRequestBody body, int? topLogprobs)
    {
        var (structured, field) = StructuredOutputs.Read(body);
        return new DecodingOptions
        {
            Structured = structured,
            StructuredField = field,
            CloseOnBudget = body.Nvext?.CloseOnBudget ?? false,
            Logprobs = topLogprobs is { } top ? new Abstractions.Engines.LogprobsRequest(top, body.Nvext?.ProcessedLogprobs ?? false) : null,
            LogitBias = LogitBias(body.LogitBias),
            StopTokenIds = body.StopTokenIds ?? [],
            MinTokens = body.MinTokens ?? 0,
            N = body.N ?? 1,
        };
    }

    /// <summary>OpenAI's <c>{"token id": bias}</c>.</summary>
    private static Dictionary<int, float>? LogitBias(JsonElement? bias)
    {
        if (bias is not { } b || b.ValueKind == JsonValueKind.Null)
            return null;
        if (b.ValueKind != JsonValueKind.Object)
            throw DynamoRequestException.BadRequest("'logit_bias' must be an object mapping token ids to biases.", "logit_bias");
        var result = new Dictionary<int, float>();
        foreach (var entry in b.EnumerateObject())
        {
            if (!int.TryParse(entry.Name, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var token))
                throw DynamoRequestException.BadRequest($"'logit_bias' keys must be token ids, got \"{entry.Name}\".", "logit_bias");
            if (entry.Value.ValueKind != JsonValueKind.Number)
                throw DynamoRequestException.BadRequest($"'logit_bias' values must be numbers (token {entry.Name}).", "logit_bias");
            result[token] = entry.Value.GetSingle();
        }
        return result;
    }


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
