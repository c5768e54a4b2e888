using System.Text.Json;
using Dynamo.Abstractions.Requests;
using Dynamo.Host.OpenAi;

namespace Dynamo.Host.Pipeline;

/// <summary>Validation shared by chat and text completions: sampling, stop, length, n, nvext.</summary>
internal static class GenerationOptions
{
    public const int MaxStopStrings = 16;

    public static SamplingParams Sampling(GenerationRequestBody body)
    {
        if (body.Temperature is < 0 or > 2)
            throw OpenAiException.BadRequest($"'temperature' must be between 0 and 2, got {body.Temperature}.", "temperature");
        if (body.TopP is <= 0 or > 1)
            throw OpenAiException.BadRequest($"'top_p' must be greater than 0 and at most 1, got {body.TopP}.", "top_p");
        if (body.TopK is < -1)
            throw OpenAiException.BadRequest($"'top_k' must be -1, 0 (off) or positive, got {body.TopK}.", "top_k");
        if (body.MinP is < 0 or > 1)
            throw OpenAiException.BadRequest($"'min_p' must be between 0 and 1, got {body.MinP}.", "min_p");
        if (body.RepetitionPenalty is <= 0 or > 2)
            throw OpenAiException.BadRequest($"'repetition_penalty' must be greater than 0 and at most 2, got {body.RepetitionPenalty}.", "repetition_penalty");
        if (body.PresencePenalty is < -2 or > 2)
            throw OpenAiException.BadRequest($"'presence_penalty' must be between -2 and 2, got {body.PresencePenalty}.", "presence_penalty");
        if (body.FrequencyPenalty is < -2 or > 2)
            throw OpenAiException.BadRequest($"'frequency_penalty' must be between -2 and 2, got {body.FrequencyPenalty}.", "frequency_penalty");
        return new SamplingParams(body.Temperature ?? 1f, body.TopP ?? 1f, Math.Max(body.TopK ?? 0, 0), body.Seed,
            body.MinP ?? 0f, body.RepetitionPenalty ?? 1f, body.PresencePenalty ?? 0f, body.FrequencyPenalty ?? 0f);
    }

    public static void RequireSingleChoice(int? n)
    {
        if (n is not null and not 1)
            throw OpenAiException.BadRequest($"'n' must be 1 (more choices per request are not supported yet), got {n}.", "n");
    }

    /// <summary>The output budget: what was asked for, else whatever the context leaves.</summary>
    public static int MaxTokens(int? requested, string param, int promptTokens, int contextLength)
    {
        if (requested is < 1)
            throw OpenAiException.BadRequest($"'{param}' must be at least 1, got {requested}.", param);
        var room = contextLength - promptTokens;
        if (room < 1)
            throw OpenAiException.BadRequest(
                $"The prompt is {promptTokens} tokens, which leaves no room in this model's context of {contextLength} tokens.",
                "messages", "context_length_exceeded");
        if (requested > room)
            throw OpenAiException.BadRequest(
                $"'{param}' is {requested}, but the prompt ({promptTokens} tokens) leaves room for {room} in this model's context of {contextLength} tokens.",
                param, "context_length_exceeded");
        return requested ?? room;
    }

    public static IReadOnlyList<string> StopStrings(JsonElement? stop)
    {
        if (stop is not { } value || value.ValueKind == JsonValueKind.Null)
            return [];
        var strings = value.ValueKind switch
        {
            JsonValueKind.String => [value.GetString()!],
            JsonValueKind.Array when value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) =>
                value.EnumerateArray().Select(e => e.GetString()!).ToList(),
            _ => throw OpenAiException.BadRequest("'stop' must be a string or an array of strings.", "stop"),
        };
        if (strings.Count > MaxStopStrings)
            throw OpenAiException.BadRequest($"'stop' may hold at most {MaxStopStrings} strings, got {strings.Count}.", "stop");
        if (strings.Any(s => s.Length == 0))
            throw OpenAiException.BadRequest("'stop' strings must not be empty.", "stop");
        return strings;
    }

    public static RequestMetadata Metadata(NvextBody? nvext)
    {
        if (nvext is null)
            return RequestMetadata.Empty;
        if (nvext.AgentHints?.Osl is < 0)
            throw OpenAiException.BadRequest($"'nvext.agent_hints.osl' must be 0 or more, got {nvext.AgentHints.Osl}.", "nvext.agent_hints.osl");
        if (nvext.AgentHints?.LatencySensitivity is { } ls && !double.IsFinite(ls))
            throw OpenAiException.BadRequest("'nvext.agent_hints.latency_sensitivity' must be a finite number.", "nvext.agent_hints.latency_sensitivity");
        return new RequestMetadata(nvext.AgentContext, nvext.AgentHints, Session(nvext.SessionControl));
    }

    private static SessionControl? Session(SessionControlBody? body)
    {
        if (body is null)
            return null;
        const string at = "nvext.session_control";
        if (string.IsNullOrWhiteSpace(body.SessionId))
            throw OpenAiException.BadRequest($"'{at}.session_id' is required.", $"{at}.session_id");
        var action = body.Action switch
        {
            "bind" => SessionAction.Bind,
            "open" => SessionAction.Open,
            "close" => SessionAction.Close,
            _ => throw OpenAiException.BadRequest($"'{at}.action' must be \"bind\", \"open\" or \"close\"; got {(body.Action is null ? "nothing" : $"\"{body.Action}\"")}.", $"{at}.action"),
        };
        if (body.Timeout is < 1 or > 86_400)
            throw OpenAiException.BadRequest($"'{at}.timeout' must be between 1 and 86400 seconds, got {body.Timeout}.", $"{at}.timeout");
        return new SessionControl(body.SessionId, action, body.Timeout ?? SessionControl.DefaultTimeoutSeconds);
    }

    public static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}";
}
