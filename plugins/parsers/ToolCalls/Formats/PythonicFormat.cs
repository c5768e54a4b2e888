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
        var reader = new Reader(section);
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
                        case Reader.Result.Incomplete:
                            ok = false;
                            break;
                        case Reader.Result.Invalid:
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

    /// <summary>A cursor over Python source.</summary>
    private sealed class Reader(string s)
    {
        public enum Result
        {
            Done,
            Incomplete,
            Invalid,
        }

        public int Position { get; private set; }

        public bool AtEnd => Position >= s.Length;

        public string Rest => s[Position..];

        public void Space()
        {
            while (Position < s.Length && char.IsWhiteSpace(s[Position]))
                Position++;
        }

        public bool Take(char c)
        {
            if (Position >= s.Length || s[Position] != c)
                return false;
            Position++;
            return true;
        }

        /// <returns>The name; "" when there is none; null when the text ends inside it.</returns>
        public string? Identifier()
        {
            var start = Position;
            while (Position < s.Length && (char.IsLetterOrDigit(s[Position]) || s[Position] is '_' or '.'))
                Position++;
            // A name that reaches the end of the text may still grow.
            if (Position == s.Length)
            {
                Position = start;
                return null;
            }
            return s[start..Position];
        }

        /// <summary>One Python literal, written as JSON.</summary>
        public Result Literal(Utf8JsonWriter json)
        {
            Space();
            if (AtEnd)
                return Result.Incomplete;
            var c = s[Position];
            if (c is '\'' or '"')
                return String(json, c);
            if (c is '[' or '(')
                return Sequence(json, c == '[' ? ']' : ')');
            if (c == '{')
                return Dict(json);
            var start = Position;
            while (Position < s.Length && (char.IsLetterOrDigit(s[Position]) || s[Position] is '.' or '-' or '+' or '_'))
                Position++;
            if (Position == s.Length)
                return Result.Incomplete;
            var word = s[start..Position];
            switch (word)
            {
                case "True": json.WriteBooleanValue(true); return Result.Done;
                case "False": json.WriteBooleanValue(false); return Result.Done;
                case "None": json.WriteNullValue(); return Result.Done;
            }
            if (long.TryParse(word, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l))
                json.WriteNumberValue(l);
            else if (double.TryParse(word, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
                json.WriteNumberValue(d);
            else
                return Result.Invalid;
            return Result.Done;
        }

        private Result String(Utf8JsonWriter json, char quote)
        {
            var text = new StringBuilder();
            Position++;
            while (Position < s.Length)
            {
                var c = s[Position++];
                if (c == quote)
                {
                    json.WriteStringValue(text.ToString());
                    return Result.Done;
                }
                if (c != '\\')
                {
                    text.Append(c);
                    continue;
                }
                if (Position >= s.Length)
                    return Result.Incomplete;
                var e = s[Position++];
                text.Append(e switch { 'n' => '\n', 't' => '\t', 'r' => '\r', '0' => '\0', _ => e });
            }
            return Result.Incomplete;
        }

        private Result Sequence(Utf8JsonWriter json, char close)
        {
            Position++;
            json.WriteStartArray();
            var first = true;
            while (true)
            {
                Space();
                if (AtEnd)
                    return Result.Incomplete;
                if (Take(close))
                {
                    json.WriteEndArray();
                    return Result.Done;
                }
                if (!first && !Take(','))
                    return Result.Invalid;
                Space();
                if (Take(close))
                {
                    json.WriteEndArray();
                    return Result.Done;
                }
                var item = Literal(json);
                if (item != Result.Done)
                    return item;
                first = false;
            }
        }

        private Result Dict(Utf8JsonWriter json)
        {
            Position++;
            json.WriteStartObject();
            var first = true;
            while (true)
            {
                Space();
                if (AtEnd)
                    return Result.Incomplete;
                if (Take('}'))
                {
                    json.WriteEndObject();
                    return Result.Done;
                }
                if (!first && !Take(','))
                    return Result.Invalid;
                Space();
                if (Take('}'))
                {
                    json.WriteEndObject();
                    return Result.Done;
                }
                if (AtEnd)
                    return Result.Incomplete;
                if (s[Position] is not ('\'' or '"'))
                    return Result.Invalid;
                var key = new StringBuilder();
                var quote = s[Position++];
                while (Position < s.Length && s[Position] != quote)
                    key.Append(s[Position++]);
                if (!Take(quote))
                    return Result.Incomplete;
                Space();
                if (AtEnd)
                    return Result.Incomplete;
                if (!Take(':'))
                    return Result.Invalid;
                json.WritePropertyName(key.ToString());
                var value = Literal(json);
                if (value != Result.Done)
                    return value;
                first = false;
            }
        }
    }
}
