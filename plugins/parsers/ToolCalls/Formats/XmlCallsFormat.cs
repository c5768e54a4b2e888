using System.Globalization;
using System.Text;
using System.Text.Json;
using Dynamo.Abstractions.Requests;
using Dynamo.Parsers.ToolCalls.Json;
using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Formats;

/// <summary>
/// XML-style calls (Qwen3-Coder, GLM, MiniMax M2; see <see cref="XmlCallSyntax"/>). Values become
/// JSON by the request's schema for that parameter (integer, number, boolean, object, array,
/// null), else strings; the arguments grow one whole parameter at a time.
/// </summary>
internal sealed class XmlCallsFormat(XmlCallSyntax syntax, IReadOnlyList<ToolDefinition> tools) : IToolCallFormat
{
    // Text as the model wrote it: no \u escapes for non-ASCII.
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public IReadOnlyList<string> StartMarkers { get; } = [syntax.StartMarker];

    public SectionScan Scan(string section, bool final)
    {
        var calls = new List<ScannedCall>();
        var at = 0;
        while (true)
        {
            at = JsonScan.SkipWhitespace(section, at);
            if (calls.Count > 0 && syntax.SectionClose is { } close)
            {
                switch (Text.At(section, at, close))
                {
                    case Text.Match.Yes:
                        return SectionScan.Closed(calls, at + close.Length);
                    case Text.Match.Partial:
                        return final ? SectionScan.Closed(calls, section.Length) : SectionScan.Open(calls);
                }
                if (!syntax.ManyCalls)
                    return SectionScan.Closed(calls, at);
            }
            else if (calls.Count > 0)
                return SectionScan.Closed(calls, at);
            var (state, next) = Call(section, at, final, calls);
            if (state != Step.Done)
                return state == Step.Waiting ? SectionScan.Open(calls) : state == Step.Ended ? SectionScan.Closed(calls, next) : Stop(calls, next);
            at = next;
        }
    }

    private enum Step
    {
        Done,
        Waiting,
        Ended,
        Broken,
    }

    // One call from at: adds it to calls (growing) and says where the section stands.
    private (Step Step, int Next) Call(string s, int at, bool final, List<ScannedCall> calls)
    {
        switch (Text.At(s, at, syntax.CallOpen))
        {
            case Text.Match.No:
                return (Step.Broken, at);
            case Text.Match.Partial:
                return final ? (Step.Broken, s.Length) : (Step.Waiting, 0);
        }
        var nameAt = at + syntax.CallOpen.Length;
        var (nameEnd, terminator) = FirstOf(s, nameAt, syntax.NameEnds);
        if (nameEnd < 0)
            return final ? (Step.Broken, s.Length) : (Step.Waiting, 0);
        var name = s[nameAt..nameEnd].Trim();
        if (name.Length == 0)
            return (Step.Broken, at);
        var properties = Properties(name);
        var arguments = new StringBuilder("{");
        var i = terminator.StartsWith('<') ? nameEnd : nameEnd + terminator.Length;
        while (true)
        {
            i = JsonScan.SkipWhitespace(s, i);
            if (Text.At(s, i, syntax.CallClose) == Text.Match.Yes)
            {
                calls.Add(new ScannedCall(name, arguments.Append('}').ToString(), true));
                return (Step.Done, i + syntax.CallClose.Length);
            }
            var keyAt = Text.At(s, i, syntax.KeyOpen);
            if (keyAt == Text.Match.No && Text.At(s, i, syntax.CallClose) == Text.Match.No)
            {
                calls.Add(new ScannedCall(name, arguments.Append('}').ToString(), true));
                return (Step.Ended, i);
            }
            var keyEnd = keyAt == Text.Match.Yes ? s.IndexOf(syntax.KeyEnd, i + syntax.KeyOpen.Length, StringComparison.Ordinal) : -1;
            // Space between a key and its value tag is layout; with no value tag, the value starts right after the key.
            var valueAt = keyEnd < 0 ? -1 : syntax.ValueOpen.Length > 0 ? JsonScan.SkipWhitespace(s, keyEnd + syntax.KeyEnd.Length) : keyEnd + syntax.KeyEnd.Length;
            var valueOpen = valueAt < 0 ? Text.Match.Partial : Text.At(s, valueAt, syntax.ValueOpen);
            if (valueOpen == Text.Match.No)
            {
                calls.Add(new ScannedCall(name, arguments.Append('}').ToString(), true));
                return (Step.Ended, i);
            }
            var valueEnd = valueOpen == Text.Match.Yes ? s.IndexOf(syntax.ValueEnd, valueAt + syntax.ValueOpen.Length, StringComparison.Ordinal) : -1;
            if (valueEnd < 0)
            {
                // Still arriving: the parameters so far are final; the object closes at the end of a stream cut short.
                var soFar = arguments.ToString();
                calls.Add(final ? new ScannedCall(name, soFar + "}", true) : new ScannedCall(name, soFar, false));
                return final ? (Step.Ended, s.Length) : (Step.Waiting, 0);
            }
            var key = s[(i + syntax.KeyOpen.Length)..keyEnd].Trim();
            var value = Trim(s[(valueAt + syntax.ValueOpen.Length)..valueEnd]);
            if (arguments.Length > 1)
                arguments.Append(", ");
            arguments.Append(JsonSerializer.Serialize(key, Relaxed)).Append(": ").Append(Coerce(value, properties, key));
            i = valueEnd + syntax.ValueEnd.Length;
        }
    }

    private static SectionScan Stop(List<ScannedCall> calls, int at) => calls.Count > 0 ? SectionScan.Closed(calls, at) : SectionScan.Fail([], at);

    private static (int At, string Which) FirstOf(string s, int from, string[] options)
    {
        var (best, which) = (-1, "");
        foreach (var option in options)
        {
            var at = s.IndexOf(option, from, StringComparison.Ordinal);
            if (at >= 0 && (best < 0 || at < best))
                (best, which) = (at, option);
        }
        return (best, which);
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
