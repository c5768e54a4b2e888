namespace Dynamo.Parsers.ToolCalls.Json;

/// <summary>
/// Finds where one JSON value ends in text that may still be growing: a value is complete,
/// a valid beginning (incomplete), or invalid at some position. Nothing is allocated; the value's
/// text is left exactly as the model wrote it.
/// </summary>
internal static class JsonScan
{
    private enum Expect
    {
        Value,
        ValueOrEnd,
        KeyOrEnd,
        Key,
        Colon,
        After,
    }

    public static int SkipWhitespace(string s, int i)
    {
        while (i < s.Length && s[i] is ' ' or '\t' or '\n' or '\r')
            i++;
        return i;
    }

    /// <summary>Scans the value starting at <paramref name="start"/> (after whitespace); End is where it ends (complete), where the text ends (incomplete), or the offending position (invalid).</summary>
    public static (JsonStatus Status, int End) Value(string s, int start)
    {
        Span<char> stack = stackalloc char[64];
        var depth = 0;
        var expect = Expect.Value;
        var i = SkipWhitespace(s, start);
        while (true)
        {
            if (expect == Expect.After && depth == 0)
                return (JsonStatus.Complete, i);
            i = SkipWhitespace(s, i);
            if (i >= s.Length)
                return (JsonStatus.Incomplete, s.Length);
            var c = s[i];
            switch (expect)
            {
                case Expect.ValueOrEnd when c == ']':
                case Expect.KeyOrEnd when c == '}':
                    depth--;
                    i++;
                    expect = Expect.After;
                    continue;
                case Expect.ValueOrEnd:
                    expect = Expect.Value;
                    continue;
                case Expect.KeyOrEnd or Expect.Key:
                    if (c != '"')
                        return (JsonStatus.Invalid, i);
                    var (keyStatus, keyEnd) = String(s, i);
                    if (keyStatus != JsonStatus.Complete)
                        return (keyStatus, keyEnd);
                    i = keyEnd;
                    expect = Expect.Colon;
                    continue;
                case Expect.Colon:
                    if (c != ':')
                        return (JsonStatus.Invalid, i);
                    i++;
                    expect = Expect.Value;
                    continue;
                case Expect.After:
                    if (c == ',')
                        expect = stack[depth - 1] == '{' ? Expect.Key : Expect.Value;
                    else if (c == (stack[depth - 1] == '{' ? '}' : ']'))
                        depth--;
                    else
                        return (JsonStatus.Invalid, i);
                    i++;
                    continue;
            }
            // A value.
            switch (c)
            {
                case '{' or '[':
                    if (depth == stack.Length)
                        return (JsonStatus.Invalid, i);
                    stack[depth++] = c;
                    i++;
                    expect = c == '{' ? Expect.KeyOrEnd : Expect.ValueOrEnd;
                    continue;
                case '"':
                    var (status, end) = String(s, i);
                    if (status != JsonStatus.Complete)
                        return (status, end);
                    i = end;
                    break;
                case '-' or (>= '0' and <= '9'):
                    var (numberStatus, numberEnd) = Number(s, i);
                    if (numberStatus != JsonStatus.Complete)
                        return (numberStatus, numberEnd);
                    i = numberEnd;
                    break;
                case 't' or 'f' or 'n':
                    var literal = c == 't' ? "true" : c == 'f' ? "false" : "null";
                    var available = Math.Min(literal.Length, s.Length - i);
                    if (string.CompareOrdinal(s, i, literal, 0, available) != 0)
                        return (JsonStatus.Invalid, i);
                    if (available < literal.Length)
                        return (JsonStatus.Incomplete, s.Length);
                    i += literal.Length;
                    break;
                default:
                    return (JsonStatus.Invalid, i);
            }
            expect = Expect.After;
        }
    }

    /// <summary>A string starting at the quote at <paramref name="i"/>.</summary>
    public static (JsonStatus Status, int End) String(string s, int i)
    {
        for (var j = i + 1; j < s.Length; j++)
        {
            var c = s[j];
            if (c == '"')
                return (JsonStatus.Complete, j + 1);
            if (c == '\\')
            {
                // Only JSON's escapes: anything else would not decode.
                if (j + 1 >= s.Length)
                    return (JsonStatus.Incomplete, s.Length);
                var escape = s[j + 1];
                if (escape == 'u')
                {
                    for (var k = j + 2; k < j + 6; k++)
                    {
                        if (k >= s.Length)
                            return (JsonStatus.Incomplete, s.Length);
                        if (!char.IsAsciiHexDigit(s[k]))
                            return (JsonStatus.Invalid, j);
                    }
                    j += 5;
                }
                else if ("\"\\/bfnrt".Contains(escape))
                    j++;
                else
                    return (JsonStatus.Invalid, j);
            }
            else if (c < 0x20 && c != '\t')
                return (JsonStatus.Invalid, j); // raw newlines are not JSON, but tabs slip through too many models to refuse
        }
        return (JsonStatus.Incomplete, s.Length);
    }

    // A number only ends at a character that cannot continue it: at the end of the text it may still grow.
    private static (JsonStatus Status, int End) Number(string s, int i)
    {
        var j = i;
        while (j < s.Length && (char.IsAsciiDigit(s[j]) || s[j] is '-' or '+' or '.' or 'e' or 'E'))
            j++;
        if (j == s.Length)
            return (JsonStatus.Incomplete, s.Length);
        return double.TryParse(s.AsSpan(i, j - i), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _)
            ? (JsonStatus.Complete, j)
            : (JsonStatus.Invalid, i);
    }
}
