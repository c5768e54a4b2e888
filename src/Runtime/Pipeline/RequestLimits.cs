using Dynamo.Runtime.Errors;

namespace Dynamo.Runtime.Pipeline;

/// <summary>The checks every request gets whatever its front door: output budget, stop strings, ids.</summary>
internal static class RequestLimits
{
    public const int MaxStopStrings = 16;

    /// <summary>The output budget: what was asked for, else whatever the context leaves.</summary>
    public static int MaxTokens(int? requested, string param, int promptTokens, int contextLength)
    {
        if (requested is < 1)
            throw DynamoRequestException.BadRequest($"'{param}' must be at least 1, got {requested}.", param);
        var room = contextLength - promptTokens;
        if (room < 1)
            throw DynamoRequestException.BadRequest(
                $"The prompt is {promptTokens} tokens, which leaves no room in this model's context of {contextLength} tokens.",
                "messages", "context_length_exceeded");
        if (requested > room)
            throw DynamoRequestException.BadRequest(
                $"'{param}' is {requested}, but the prompt ({promptTokens} tokens) leaves room for {room} in this model's context of {contextLength} tokens.",
                param, "context_length_exceeded");
        return requested ?? room;
    }

    public static IReadOnlyList<string> Stop(IReadOnlyList<string> stop)
    {
        if (stop.Count > MaxStopStrings)
            throw DynamoRequestException.BadRequest($"'stop' may hold at most {MaxStopStrings} strings, got {stop.Count}.", "stop");
        if (stop.Any(string.IsNullOrEmpty))
            throw DynamoRequestException.BadRequest("'stop' strings must not be empty.", "stop");
        return stop;
    }

    public static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}";
}
