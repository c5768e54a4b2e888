using System.Buffers;
using System.Text;
using System.Text.Json;
using Dynamo.Parsers.ToolCalls.Json;

namespace Dynamo.Parsers.ToolCalls.Formats;

/// <summary>
/// Gemma 4's argument notation, rewritten as a JSON object: <c>key:value</c> entries with bare keys,
/// strings between <c>&lt;|"|&gt;</c> marks taken verbatim (no escapes), numbers, true/false,
/// null/none/nil in any case, nested <c>{…}</c> and <c>[…]</c>, and an empty value as "".
/// </summary>
internal sealed class Gemma4Arguments
{
    private const string Quote = "<|\"|>";

    // Deeper nesting is not arguments; the limit keeps the recursion's stack small.
    private const int MaxDepth = 64;

    // Text as the model wrote it: no \u escapes for non-ASCII or HTML.
    private static readonly JsonWriterOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly string _s;
    private readonly bool _bounded;
    private readonly Utf8JsonWriter _json;
    private int _at;
    private int _depth;

    /// <param name="bounded">The text is all of the arguments (their end is known): a string left open runs to it; else the text may have been cut short.</param>
    private Gemma4Arguments(string s, bool bounded, Utf8JsonWriter json) => (_s, _bounded, _json) = (s, bounded, json);

    /// <summary>The arguments between a call's braces, known whole: their JSON, or null when they do not read.</summary>
    public static string? Whole(string args)
    {
        var (status, json, _) = Read(args, bounded: true);
        return status == JsonStatus.Complete ? json : null;
    }

    /// <summary>
    /// A braced object from <paramref name="start"/> in text whose end is unknown: Complete with its JSON and
    /// where it ends, Incomplete when the text ends inside it, or Invalid.
    /// </summary>
    public static (JsonStatus Status, string Json, int End) Braced(string s, int start)
    {
        var (status, json, end) = Read(s[start..], bounded: false);
        return (status, json, start + end);
    }

    private static (JsonStatus Status, string Json, int End) Read(string s, bool bounded)
    {
        var buffer = new ArrayBufferWriter<byte>();
        JsonStatus status;
        int end;
        try
        {
            using var json = new Utf8JsonWriter(buffer, Relaxed);
            var reader = new Gemma4Arguments(s, bounded, json);
            if (bounded)
                status = reader.Entries(braced: false);
            else
                status = reader.Take('{') ? reader.Entries(braced: true) : JsonStatus.Invalid;
            end = reader._at;
        }
        catch (ArgumentException)
        {
            return (JsonStatus.Invalid, "", 0); // text JSON cannot hold (a lone surrogate): not arguments
        }
        // The writer is left mid-value when reading stopped early; its bytes are then not used.
        return status == JsonStatus.Complete ? (status, Encoding.UTF8.GetString(buffer.WrittenSpan), end) : (status, "", end);
    }

    private bool AtEnd => _at >= _s.Length;

    // Running out of text: more may come unless the text is all there is.
    private JsonStatus Ran => _bounded ? JsonStatus.Invalid : JsonStatus.Incomplete;

    private void Space()
    {
        while (_at < _s.Length && char.IsWhiteSpace(_s[_at]))
            _at++;
    }

    private bool Take(char c)
    {
        if (AtEnd || _s[_at] != c)
            return false;
        _at++;
        return true;
    }

    /// <summary>key:value entries, up to the closing brace (braced) or the end of the text.</summary>
    private JsonStatus Entries(bool braced)
    {
        _json.WriteStartObject();
        Space();
        if (braced ? Take('}') : AtEnd)
        {
            _json.WriteEndObject();
            return JsonStatus.Complete;
        }
        while (true)
        {
            Space();
            var start = _at;
            while (_at < _s.Length && (char.IsLetterOrDigit(_s[_at]) || _s[_at] is '_' or '.' or '-'))
                _at++;
            if (AtEnd)
                return Ran;
            if (_at == start)
                return JsonStatus.Invalid;
            var key = _s[start.._at];
            Space();
            if (AtEnd)
                return Ran;
            if (!Take(':'))
                return JsonStatus.Invalid;
            _json.WritePropertyName(key);
            Space();
            if (AtEnd && !_bounded)
                return JsonStatus.Incomplete;
            if (AtEnd || _s[_at] == ',' || (braced && _s[_at] == '}'))
                _json.WriteStringValue(""); // a key with no value
            else if (Value() is var status && status != JsonStatus.Complete)
                return status;
            Space();
            if (AtEnd && !braced)
            {
                _json.WriteEndObject();
                return JsonStatus.Complete;
            }
            if (AtEnd)
                return Ran;
            if (Take(','))
                continue;
            if (braced && Take('}'))
            {
                _json.WriteEndObject();
                return JsonStatus.Complete;
            }
            return JsonStatus.Invalid;
        }
    }

    private JsonStatus Value()
    {
        Space();
        if (AtEnd)
            return Ran;
        var c = _s[_at];
        if (c is '{' or '[')
        {
            if (++_depth > MaxDepth)
                return JsonStatus.Invalid;
            _at++;
            var nested = c == '{' ? Entries(braced: true) : Array();
            _depth--;
            return nested;
        }
        if (c == '-' || char.IsAsciiDigit(c))
            return Number();
        if (char.IsLetter(c))
            return Word();
        return Text.At(_s, _at, Quote) switch
        {
            Text.Match.Yes => String(),
            Text.Match.Partial when !_bounded => JsonStatus.Incomplete,
            _ => JsonStatus.Invalid,
        };
    }

    private JsonStatus Array()
    {
        _json.WriteStartArray();
        Space();
        if (Take(']'))
        {
            _json.WriteEndArray();
            return JsonStatus.Complete;
        }
        while (true)
        {
            var item = Value();
            if (item != JsonStatus.Complete)
                return item;
            Space();
            if (AtEnd)
                return Ran;
            if (Take(']'))
            {
                _json.WriteEndArray();
                return JsonStatus.Complete;
            }
            if (!Take(','))
                return JsonStatus.Invalid;
        }
    }

    // Verbatim up to the closing mark; one never closed runs to the end of the arguments.
    private JsonStatus String()
    {
        var start = _at + Quote.Length;
        var close = Text.Find(_s, start, Quote);
        if (close < 0 && !_bounded)
            return JsonStatus.Incomplete;
        var end = close < 0 ? _s.Length : close;
        _json.WriteStringValue(_s[start..end]);
        _at = close < 0 ? end : end + Quote.Length;
        return JsonStatus.Complete;
    }

    // -?digits(.digits)?, no exponent; written as JSON with leading zeros dropped, so 0.0 stays a float.
    private JsonStatus Number()
    {
        var start = _at;
        Take('-');
        var digits = _at;
        while (_at < _s.Length && char.IsAsciiDigit(_s[_at]))
            _at++;
        var intEnd = _at;
        if (_at < _s.Length && _s[_at] == '.')
        {
            _at++;
            var fraction = _at;
            while (_at < _s.Length && char.IsAsciiDigit(_s[_at]))
                _at++;
            if (_at == fraction && !AtEnd)
                return JsonStatus.Invalid;
        }
        if (AtEnd && !_bounded)
            return JsonStatus.Incomplete; // more digits may follow
        if (intEnd == digits || _s[_at - 1] == '.')
            return JsonStatus.Invalid;
        var integer = _s[digits..intEnd].TrimStart('0');
        _json.WriteRawValue(_s[start..digits] + (integer.Length == 0 ? "0" : integer) + _s[intEnd.._at]);
        return JsonStatus.Complete;
    }

    // Keywords in any case, as whole words (nullable is not null); any other bare word is not a value.
    private JsonStatus Word()
    {
        var start = _at;
        while (_at < _s.Length && (char.IsLetterOrDigit(_s[_at]) || _s[_at] == '_'))
            _at++;
        if (AtEnd && !_bounded)
            return JsonStatus.Incomplete;
        switch (_s[start.._at].ToLowerInvariant())
        {
            case "true":
                _json.WriteBooleanValue(true);
                return JsonStatus.Complete;
            case "false":
                _json.WriteBooleanValue(false);
                return JsonStatus.Complete;
            case "null" or "none" or "nil":
                _json.WriteNullValue();
                return JsonStatus.Complete;
            default:
                return JsonStatus.Invalid;
        }
    }
}
