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
    /// <param name="untypedAsJson">With nothing in the schema about the value, JSON text is that JSON (GLM's references); else it is a string.</param>
    public static string ToJson(string value, JsonElement? schema, bool untypedAsJson = false)
    {
        // Where values may be JSON, a JSON string literal is that string ("null" in quotes is the word, not null).
        if (untypedAsJson && value.Trim() is { Length: > 1 } quoted && quoted[0] == '"' && IsJson(quoted, JsonValueKind.String)
            && schema is { } s && StringTyped(s))
            return quoted;
        var text = WebUtility.HtmlDecode(value);
        var trimmed = text.Trim();
        var types = new List<string>();
        if (schema is { } property)
            Types(property, types);
        // null is null, unless the parameter is a string that cannot be null (then "null" is what the model meant).
        if (trimmed.Equals("null", StringComparison.OrdinalIgnoreCase) && !(types.Contains("string") && !types.Contains("null")))
            return "null";
        if (types.Count == 0)
            return untypedAsJson && XmlText.IsJson(trimmed) ? trimmed : String(text);
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
        // A number written as a JSON string ("123", or with its quotes escaped) is still the number.
        if (type is "integer" or "number" && Unquoted(trimmed) is { } unquoted)
            trimmed = unquoted;
        switch (type)
        {
            case "integer" when long.TryParse(trimmed, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l):
                return l.ToString(CultureInfo.InvariantCulture);
            // A whole number in another spelling (1.25e2, 3.0) is still an integer.
            case "integer" when double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var whole) && double.IsFinite(whole)
                && whole == Math.Floor(whole) && Math.Abs(whole) < 9e15:
                return ((long)whole).ToString(CultureInfo.InvariantCulture);
            case "number" when double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d):
                return IsJson(trimmed, JsonValueKind.Number) ? trimmed : d.ToString("R", CultureInfo.InvariantCulture);
            case "boolean" when trimmed.Equals("true", StringComparison.OrdinalIgnoreCase) || trimmed.Equals("false", StringComparison.OrdinalIgnoreCase):
                return trimmed.ToLowerInvariant();
            case "object" or "array":
                return Structured(trimmed);
            case "null" when trimmed is "null" or "None":
                return "null";
            case "string":
                return String(text);
        }
        return null;
    }

    private static string? Unquoted(string text)
    {
        if (text.StartsWith("\\\"", StringComparison.Ordinal))
            text = Unescaped(text);
        return text.Length > 2 && text[0] == '"' && IsJson(text, JsonValueKind.String) ? JsonSerializer.Deserialize<string>(text)!.Trim() : null;
    }

    // JSON written inside a string by a model that escaped its quotes: \" for ".
    private static string Unescaped(string text) => text.Replace("\\\\", "\u0001").Replace("\\\"", "\"").Replace("\u0001", "\\");

    // JSON, or JSON written as a JSON string (encoded twice) or with its quotes escaped, or a Python literal (single quotes, True, None).
    private static string? Structured(string text)
    {
        if (IsJson(text, JsonValueKind.Object) || IsJson(text, JsonValueKind.Array))
            return text;
        if (text.Contains("\\\"", StringComparison.Ordinal) && Unescaped(text) is var unescaped && (IsJson(unescaped, JsonValueKind.Object) || IsJson(unescaped, JsonValueKind.Array)))
            return unescaped;
        if (IsJson(text, JsonValueKind.String) && JsonSerializer.Deserialize<string>(text) is { } inner && inner.Trim() != text)
            return Structured(inner.Trim());
        return text.Length > 0 && text[0] is '{' or '[' ? PythonReader.ToJson(text) : null;
    }

    private static bool IsJson(string text, JsonValueKind kind)
    {
        if (!XmlText.IsJson(text))
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
        foreach (var key in (string[])["anyOf", "oneOf", "allOf"])
            if (schema.TryGetProperty(key, out var options) && options.ValueKind == JsonValueKind.Array)
                foreach (var option in options.EnumerateArray())
                    Types(option, types);
        // enum and const say the type by their values.
        if (schema.TryGetProperty("const", out var constant))
            types.Add(Kind(constant));
        if (schema.TryGetProperty("enum", out var values) && values.ValueKind == JsonValueKind.Array)
            types.AddRange(values.EnumerateArray().Select(Kind));
    }

    private static bool StringTyped(JsonElement schema)
    {
        var types = new List<string>();
        Types(schema, types);
        return types.Contains("string");
    }

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "string",
        JsonValueKind.Number => value.TryGetInt64(out _) ? "integer" : "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        JsonValueKind.Object => "object",
        _ => "array",
    };

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
