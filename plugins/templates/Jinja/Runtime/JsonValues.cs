using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;

namespace Dynamo.Templates.Jinja.Runtime;

/// <summary>Request JSON into template values, and <c>tojson</c> out as Python's <c>json.dumps(…, ensure_ascii=False)</c> writes it.</summary>
internal static class JsonValues
{
    public static object? From(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.Object => Object(json),
        JsonValueKind.Array => json.EnumerateArray().Select(From).ToList(),
        JsonValueKind.String => json.GetString(),
        JsonValueKind.Number => Number(json),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    /// <summary>As Python's json reads a number: an int when written without fraction or exponent (of any size), else a float.</summary>
    private static object Number(JsonElement json)
    {
        var text = json.GetRawText();
        if (text.Any(c => c is '.' or 'e' or 'E'))
            return json.GetDouble();
        return json.TryGetInt64(out var l) ? l : BigInteger.Parse(text, CultureInfo.InvariantCulture);
    }

    private static OrderedDictionary<object, object?> Object(JsonElement json)
    {
        var dict = new OrderedDictionary<object, object?>();
        foreach (var property in json.EnumerateObject())
            dict[property.Name] = From(property.Value); // a repeated key keeps its first place and last value, as Python's json does
        return dict;
    }

    /// <param name="indent">Spaces per level; null writes one line with ", " and ": ".</param>
    public static string Dumps(object? value, int? indent = null, bool sortKeys = false, (string Item, string Key)? separators = null)
    {
        var text = new StringBuilder();
        var (item, key) = separators ?? (indent is null ? (", ", ": ") : (",", ": "));
        Write(text, value, indent, sortKeys, item, key, 0);
        return text.ToString();
    }

    private static void Write(StringBuilder text, object? value, int? indent, bool sortKeys, string item, string key, int depth)
    {
        switch (value)
        {
            case null:
                text.Append("null");
                return;
            case bool b:
                text.Append(b ? "true" : "false");
                return;
            case long or BigInteger:
                text.Append(Values.Repr(value));
                return;
            case double d:
                text.Append(double.IsNaN(d) ? "NaN" : double.IsInfinity(d) ? (d > 0 ? "Infinity" : "-Infinity") : PythonFormat.Float(d));
                return;
            case string s:
                String(text, s);
                return;
            case IDictionary dict:
                var pairs = Values.Pairs(dict).ToList();
                if (sortKeys)
                    pairs.Sort((a, b) => string.CompareOrdinal(Values.Str(a.Key), Values.Str(b.Key)));
                Container(text, '{', '}', pairs.Count, indent, item, depth, i =>
                {
                    var k = pairs[i].Key;
                    String(text, k is string ks ? ks : k is bool kb ? (kb ? "true" : "false") : Values.Str(k));
                    text.Append(key);
                    Write(text, pairs[i].Value, indent, sortKeys, item, key, depth + 1);
                });
                return;
            case IList list:
                Container(text, '[', ']', list.Count, indent, item, depth, i => Write(text, list[i], indent, sortKeys, item, key, depth + 1));
                return;
            case Undefined:
                throw new TemplateRuntimeException("Object of type Undefined is not JSON serializable"); // json.dumps's words
            default:
                throw new TemplateRuntimeException($"Object of type {Values.TypeName(value)} is not JSON serializable");
        }
    }

    private static void Container(StringBuilder text, char open, char close, int count, int? indent, string item, int depth, Action<int> writeItem)
    {
        text.Append(open);
        if (count == 0)
        {
            text.Append(close);
            return;
        }
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
                text.Append(item);
            if (indent is { } n)
                text.Append('\n').Append(' ', n * (depth + 1));
            writeItem(i);
        }
        if (indent is { } m)
            text.Append('\n').Append(' ', m * depth);
        text.Append(close);
    }

    private static void String(StringBuilder text, string s)
    {
        text.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                default:
                    if (c < 0x20)
                        text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else
                        text.Append(c);
                    break;
            }
        }
        text.Append('"');
    }
}
