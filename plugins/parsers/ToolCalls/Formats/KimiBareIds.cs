using System.Text.Json;
using Dynamo.Abstractions.Requests;

namespace Dynamo.Parsers.ToolCalls.Formats;

/// <summary>
/// Kimi sometimes writes a bare counter (<c>0</c>) for a call's id, without the function's name.
/// The function is then the request's only tool, or the one tool whose parameters hold every
/// argument key; anything less certain is no call (a guessed function would run the wrong thing).
/// </summary>
internal static class KimiBareIds
{
    public static string? Resolve(IReadOnlyList<ToolDefinition> tools, string arguments)
    {
        if (tools.Count == 1)
            return tools[0].Name;
        var keys = Keys(arguments);
        if (keys is null)
            return null;
        var fits = tools.Where(t => t.Parameters is { ValueKind: JsonValueKind.Object } p && p.TryGetProperty("properties", out var properties)
            && properties.ValueKind == JsonValueKind.Object && keys.All(k => properties.TryGetProperty(k, out _))).Take(2).ToList();
        return fits.Count == 1 ? fits[0].Name : null;
    }

    private static List<string>? Keys(string arguments)
    {
        try
        {
            using var document = JsonDocument.Parse(arguments);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.EnumerateObject().Select(p => p.Name).ToList() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
