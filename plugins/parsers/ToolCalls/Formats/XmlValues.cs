using System.Globalization;
using System.Net;
using System.Text.Json;
using Dynamo.Parsers.ToolCalls.Json;

namespace Dynamo.Parsers.ToolCalls.Formats;

/// <summary>
/// An XML-style parameter's text as a JSON value, typed by the tool's schema for it: the model writes
/// every value as text (HTML-escaped where its template escapes), so the schema says what it meant.
/// With no schema for the parameter the value stays a string.
/// </summary>
internal static class XmlValues
{
    public static string ToJson(string value, JsonElement? schema)
    {
        var text = WebUtility.HtmlDecode(value);
        var trimmed = text.Trim();
        if (trimmed.Equals("null", StringComparison.OrdinalIgnoreCase))
            return "null";
        if (schema is not { } property)
            return String(text);
        var types = new List<string>();
        Types(property, types);
        // Python's None, where the schema allows null or the value cannot be a string.
        if (trimmed == "None" && (types.Contains("null") || (types.Count > 0 && !types.Contains("string"))))
            return "null";
        foreach (var type in types.Where(t => t != "string").Append("string"))
            if (As(type, trimmed, text) is { } json)
                return json;
        return String(text);
    }

    private static string? As(string type, string trimmed, string text)
    {
        switch (type)
        {
            case "integer" when long.TryParse(trimmed, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l):
                return l.ToString(CultureInfo.InvariantCulture);
            case "number" when double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d):
                return IsJson(trimmed, JsonValueKind.Number) ? trimmed : d.ToString("R", CultureInfo.InvariantCulture);
            case "boolean" when trimmed.Equals("true", StringComparison.OrdinalIgnoreCase) || trimmed.Equals("false", StringComparison.OrdinalIgnoreCase):
                return trimmed.ToLowerInvariant();
            case "object" or "array":
                return Structured(trimmed);
            case "string":
                return String(text);
        }
        return null;
    }

    // JSON, or JSON written as a JSON string (encoded twice), or a Python literal (single quotes, True, None).
    private static string? Structured(string text)
    {
        if (IsJson(text, JsonValueKind.Object) || IsJson(text, JsonValueKind.Array))
            return text;
        if (IsJson(text, JsonValueKind.String) && JsonSerializer.Deserialize<string>(text) is { } inner && inner.Trim() != text)
            return Structured(inner.Trim());
        return text.Length > 0 && text[0] is '{' or '[' ? PythonReader.ToJson(text) : null;
    }

    private static bool IsJson(string text, JsonValueKind kind)
    {
        var (status, end) = JsonScan.Value(text, 0);
        if (status != JsonStatus.Complete || JsonScan.SkipWhitespace(text, end) != text.Length)
            return false;
        var first = text[JsonScan.SkipWhitespace(text, 0)];
        return kind switch
        {
            JsonValueKind.Object => first == '{',
            JsonValueKind.Array => first == '[',
            JsonValueKind.String => first == '"',
            _ => first is '-' or (>= '0' and <= '9'),
        };
    }

    private static string String(string text) => JsonSerializer.Serialize(text, XmlText.Relaxed);

    // The types a property allows, by the names JSON Schema and Python-minded tool authors use; anyOf and oneOf add theirs.
    private static void Types(JsonElement schema, List<string> types)
    {
        if (schema.ValueKind != JsonValueKind.Object)
            return;
        if (schema.TryGetProperty("type", out var type))
        {
            if (type.ValueKind == JsonValueKind.String)
                types.Add(Normal(type.GetString()!));
            else if (type.ValueKind == JsonValueKind.Array)
                types.AddRange(type.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => Normal(t.GetString()!)));
        }
        foreach (var key in (string[])["anyOf", "oneOf"])
            if (schema.TryGetProperty(key, out var options) && options.ValueKind == JsonValueKind.Array)
                foreach (var option in options.EnumerateArray())
                    Types(option, types);
        if (types.Count == 0 && schema.TryGetProperty("enum", out _))
            types.Add("string");
    }

    private static string Normal(string type)
    {
        var t = type.Trim().ToLowerInvariant();
        return t switch
        {
            "string" or "str" or "text" or "varchar" or "char" or "enum" => "string",
            "long" or "short" or "unsigned" => "integer",
            "number" or "num" => "number",
            "boolean" or "bool" or "binary" => "boolean",
            "object" or "dict" or "dictionary" or "map" => "object",
            "array" or "arr" or "list" or "tuple" => "array",
            _ when t.StartsWith("int", StringComparison.Ordinal) || t.StartsWith("uint", StringComparison.Ordinal) => "integer",
            _ when t.StartsWith("float", StringComparison.Ordinal) || t.StartsWith("double", StringComparison.Ordinal) => "number",
            _ when t.StartsWith("list", StringComparison.Ordinal) => "array",
            _ => t,
        };
    }
}
