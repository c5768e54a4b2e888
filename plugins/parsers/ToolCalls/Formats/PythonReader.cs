using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Dynamo.Parsers.ToolCalls.Formats;

/// <summary>A cursor over Python source: identifiers and literals (strings, numbers, True/False/None, lists, tuples, dicts), written as JSON.</summary>
internal sealed class PythonReader(string s)
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

    /// <summary>Goes back to a position read before (to read the same text another way).</summary>
    public void Seek(int position) => Position = position;

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

    // Deeper than this is no tool argument, and recursion must not run out of stack on such output (JsonScan stops at 64 too).
    private const int MaxDepth = 64;

    private int _depth;

    /// <summary>One Python literal, written as JSON.</summary>
    public Result Literal(Utf8JsonWriter json)
    {
        Space();
        if (AtEnd)
            return Result.Incomplete;
        var c = s[Position];
        if (c is '\'' or '"')
            return String(json, c);
        if (c is '[' or '(' or '{')
        {
            if (_depth == MaxDepth)
                return Result.Invalid;
            _depth++;
            var result = c == '{' ? Dict(json) : Sequence(json, c == '[' ? ']' : ')');
            _depth--;
            return result;
        }
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
        else if (double.TryParse(word, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)) // inf and nan have no JSON
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

    /// <summary>
    /// Skips to just after the ')' that closes the call whose '(' was read last, across nested brackets and strings.
    /// </summary>
    /// <returns>Invalid when a bracket closes the wrong opener; Incomplete when the text ends first.</returns>
    public Result SkipArguments()
    {
        var open = new Stack<char>();
        open.Push(')');
        while (Position < s.Length)
        {
            var c = s[Position++];
            switch (c)
            {
                case '\'' or '"':
                    while (Position < s.Length && s[Position] != c)
                        Position += s[Position] == '\\' ? 2 : 1;
                    if (Position >= s.Length)
                        return Result.Incomplete;
                    Position++;
                    break;
                case '(':
                    open.Push(')');
                    break;
                case '[':
                    open.Push(']');
                    break;
                case '{':
                    open.Push('}');
                    break;
                case ')' or ']' or '}':
                    if (open.Pop() != c)
                        return Result.Invalid;
                    if (open.Count == 0)
                        return Result.Done;
                    break;
            }
        }
        return Result.Incomplete;
    }

    /// <summary>A whole Python literal as JSON text (a dict or list written with single quotes, True, None), or null when it is not one.</summary>
    public static string? ToJson(string literal)
    {
        var reader = new PythonReader(literal + " "); // a word at the very end would read as still growing
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            if (reader.Literal(json) != Result.Done)
                return null;
        }
        reader.Space();
        return reader.AtEnd ? Encoding.UTF8.GetString(buffer.WrittenSpan) : null;
    }
}
