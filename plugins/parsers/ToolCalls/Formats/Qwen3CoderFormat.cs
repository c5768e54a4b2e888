using System.Globalization;
using System.Text;
using System.Text.Json;
using Dynamo.Abstractions.Requests;
using Dynamo.Parsers.ToolCalls.Json;
using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Formats;

/// <summary>
/// Qwen3-Coder's XML calls: <c>&lt;tool_call&gt;&lt;function=NAME&gt;&lt;parameter=K&gt;V&lt;/parameter&gt;…&lt;/function&gt;&lt;/tool_call&gt;</c>.
/// Values become JSON by the request's schema for that parameter (integer, number, boolean,
/// object, array, null), else strings; the arguments grow one whole parameter at a time.
/// </summary>
internal sealed class Qwen3CoderFormat(IReadOnlyList<ToolDefinition> tools) : IToolCallFormat
{
    // Text as the model wrote it: no \u escapes for non-ASCII.
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public IReadOnlyList<string> StartMarkers { get; } = ["<tool_call>"];

    public SectionScan Scan(string section, bool final)
    {
        var i = JsonScan.SkipWhitespace(section, 0);
        switch (Text.At(section, i, "<function="))
        {
            case Text.Match.No:
                return SectionScan.Fail([], i);
            case Text.Match.Partial:
                return final ? SectionScan.Fail([], section.Length) : SectionScan.Open([]);
        }
        var nameEnd = section.IndexOf('>', i);
        if (nameEnd < 0)
            return final ? SectionScan.Fail([], section.Length) : SectionScan.Open([]);
        var name = section[(i + "<function=".Length)..nameEnd].Trim();
        var properties = Properties(name);
        var arguments = new StringBuilder("{");
        var at = nameEnd + 1;
        while (true)
        {
            at = JsonScan.SkipWhitespace(section, at);
            if (Text.At(section, at, "</function>") == Text.Match.Yes)
            {
                var call = new ScannedCall(name, arguments.Append('}').ToString(), true);
                var after = JsonScan.SkipWhitespace(section, at + "</function>".Length);
                return Text.At(section, after, "</tool_call>") switch
                {
                    Text.Match.Yes => SectionScan.Closed([call], after + "</tool_call>".Length),
                    Text.Match.Partial when !final => SectionScan.Open([call]),
                    _ => SectionScan.Closed([call], at + "</function>".Length),
                };
            }
            var open = Text.At(section, at, "<parameter=");
            if (open == Text.Match.No && Text.At(section, at, "</function>") == Text.Match.No)
                return SectionScan.Fail([new ScannedCall(name, arguments.Append('}').ToString(), true)], at);
            var keyEnd = open == Text.Match.Yes ? section.IndexOf('>', at) : -1;
            var valueEnd = keyEnd < 0 ? -1 : section.IndexOf("</parameter>", keyEnd, StringComparison.Ordinal);
            if (valueEnd < 0)
            {
                // Still arriving: the parameters so far are final; the object closes at the end of a stream cut short.
                var soFar = arguments.ToString();
                return final ? SectionScan.Closed([new ScannedCall(name, soFar + "}", true)], section.Length) : SectionScan.Open([new ScannedCall(name, soFar, false)]);
            }
            var key = section[(at + "<parameter=".Length)..keyEnd].Trim();
            var value = Trim(section[(keyEnd + 1)..valueEnd]);
            if (arguments.Length > 1)
                arguments.Append(", ");
            arguments.Append(JsonSerializer.Serialize(key, Relaxed)).Append(": ").Append(Coerce(value, properties, key));
            at = valueEnd + "</parameter>".Length;
        }
    }

    // One newline either side of a value is layout, not content.
    private static string Trim(string value)
    {
        if (value.StartsWith('\n'))
            value = value[1..];
        if (value.EndsWith('\n'))
            value = value[..^1];
        return value;
    }

    private JsonElement? Properties(string name) =>
        tools.FirstOrDefault(t => t.Name == name)?.Parameters is { ValueKind: JsonValueKind.Object } schema && schema.TryGetProperty("properties", out var p) ? p : null;

    private static string Coerce(string value, JsonElement? properties, string key)
    {
        var type = properties is { } p && p.TryGetProperty(key, out var property) && property.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        var trimmed = value.Trim();
        switch (type)
        {
            case "integer" when long.TryParse(trimmed, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l):
                return l.ToString(CultureInfo.InvariantCulture);
            case "number" when double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out _):
                return trimmed;
            case "boolean" when trimmed is "true" or "false" or "True" or "False":
                return trimmed.ToLowerInvariant();
            case "object" or "array" when IsJson(trimmed):
                return trimmed;
            case "null" when trimmed == "null":
                return "null";
        }
        return type is null && trimmed == "null" ? "null" : JsonSerializer.Serialize(value, Relaxed);
    }

    private static bool IsJson(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
