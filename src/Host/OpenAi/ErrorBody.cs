using System.Text.Json.Serialization;

namespace Dynamo.Host.OpenAi;

/// <summary>OpenAI's error shape: <c>{"error":{"message","type","param","code"}}</c>.</summary>
internal sealed record ErrorBody(ErrorDetail Error);

internal sealed record ErrorDetail(string Message, string Type, string? Param, string? Code)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Param { get; init; } = Param;

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Code { get; init; } = Code;
}
