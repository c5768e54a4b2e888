using System.Globalization;
using System.Text;
using System.Text.Json;
using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Formats;

/// <summary>
/// Python call syntax as the whole output: <c>[get_weather(city="SF", days=3), other()]</c>.
/// Keyword arguments' Python literals (strings, numbers, True/False/None, lists, tuples, dicts)
/// become a JSON object, emitted when the call's parenthesis closes.
/// </summary>
internal sealed class PythonicFormat : IToolCallFormat
{
    private static readonly JsonWriterOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public IReadOnlyList<string> StartMarkers { get; } = ["<|python_start|>"];

    public string LeadingStarts => "[";

    public SectionScan Scan(string section, bool final)
    {
        var calls = new List<ScannedCall>();
        var reader = new PythonReader(section);
        reader.Space();
        if (!reader.Take('['))
            return reader.AtEnd && !final ? SectionScan.Open(calls) : SectionScan.Fail(calls, 0);
        while (true)
        {
            reader.Space();
            if (reader.AtEnd)
                return Cut(calls, section, final);
            if (reader.Take(']'))
            {
                var after = reader.Position;
                reader.Space();
                if (reader.AtEnd && !final)
                    return SectionScan.Open(calls); // maybe <|python_end|>
                return reader.Rest.StartsWith("<|python_end|>", StringComparison.Ordinal)
                    ? SectionScan.Closed(calls, reader.Position + "<|python_end|>".Length)
                    : SectionScan.Closed(calls, after);
            }
            if (calls.Count > 0 && !reader.Take(','))
                return Stop(calls, reader.Position);
            reader.Space();
            var name = reader.Identifier();
            if (name is null || reader.AtEnd)
                return Cut(calls, section, final);
            if (name.Length == 0)
                return Stop(calls, reader.Position);
            if (!reader.Take('('))
                return Stop(calls, reader.Position);
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            var ok = true;
            var firstArgument = true;
            using (var json = new Utf8JsonWriter(buffer, Relaxed))
            {
                json.WriteStartObject();
                while (true)
                {
                    reader.Space();
                    if (reader.AtEnd)
                    {
                        ok = false;
                        break;
                    }
                    if (reader.Take(')'))
                        break;
                    if (!firstArgument && !reader.Take(','))
                        return Stop(calls, reader.Position);
                    reader.Space();
                    if (reader.Take(')'))
                        break;
                    var key = reader.Identifier();
                    reader.Space();
                    if (key is null)
                    {
                        ok = false;
                        break;
                    }
                    if (key.Length == 0 || !reader.Take('='))
                    {
                        if (reader.AtEnd)
                        {
                            ok = false;
                            break;
                        }
                        return Stop(calls, reader.Position);
                    }
                    json.WritePropertyName(key);
                    firstArgument = false;
                    switch (reader.Literal(json))
                    {
                        case PythonReader.Result.Incomplete:
                            ok = false;
                            break;
                        case PythonReader.Result.Invalid:
                            return Stop(calls, reader.Position);
                    }
                    if (!ok)
                        break;
                }
                if (ok)
                    json.WriteEndObject();
            }
            if (!ok)
                return Cut(calls, section, final);
            calls.Add(new ScannedCall(name, Encoding.UTF8.GetString(buffer.WrittenSpan), true));
        }
    }

    // The text ends inside the list: wait, or at the end keep the calls that closed.
    private static SectionScan Cut(List<ScannedCall> calls, string section, bool final) =>
        !final ? SectionScan.Open(calls) : calls.Count > 0 ? SectionScan.Closed(calls, section.Length) : SectionScan.Fail([], section.Length);

    private static SectionScan Stop(List<ScannedCall> calls, int at) => calls.Count > 0 ? SectionScan.Closed(calls, at) : SectionScan.Fail([], at);
}
