using System.Text.Json;
using Dynamo.Runtime.Errors;

namespace Dynamo.Host.Http;

/// <summary>Reading fields of a request's free-form JSON (content blocks, input items, tools), with a 400 naming the field when one is wrong.</summary>
internal static class JsonFields
{
    /// <summary>An object's string <c>type</c>.</summary>
    public static string Type(JsonElement element, string at) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
            ? type.GetString()!
            : throw DynamoRequestException.BadRequest($"'{at}' must be an object with a string 'type'.", $"{at}.type");

    /// <summary>A string field; null when it is absent (or null) and not required.</summary>
    public static string? String(JsonElement parent, string name, string at, bool required)
    {
        if (parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
            return value.GetString();
        if (required || value.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
            throw DynamoRequestException.BadRequest($"'{at}.{name}' must be a string.", $"{at}.{name}");
        return null;
    }
}
