using System.Text.Json;

namespace Dynamo.Parsers.ToolCalls.Json;

/// <summary>
/// One <c>{"name": …, "arguments": …}</c> object (or <c>"parameters"</c>, as Llama 3 writes) in
/// growing text: the name once its string is whole, and the arguments as the exact text the model
/// wrote, growing while the object does.
/// </summary>
internal readonly record struct CallObject(JsonStatus Status, int End, string? Name, string Arguments, bool ArgumentsComplete, bool HasArguments = false)
{
    /// <param name="start">Where the object's '{' is (after whitespace).</param>
    public static CallObject Scan(string s, int start)
    {
        var i = JsonScan.SkipWhitespace(s, start);
        if (i >= s.Length)
            return new(JsonStatus.Incomplete, s.Length, null, "", false);
        if (s[i] != '{')
            return new(JsonStatus.Invalid, i, null, "", false);
        string? name = null;
        var arguments = "";
        var argumentsComplete = false;
        var sawArguments = false;
        i++;
        var first = true;
        while (true)
        {
            i = JsonScan.SkipWhitespace(s, i);
            if (i >= s.Length)
                return new(JsonStatus.Incomplete, s.Length, name, arguments, false);
            if (s[i] == '}' && first)
                return Done(i + 1);
            if (!first)
            {
                if (s[i] == '}')
                    return Done(i + 1);
                if (s[i] != ',')
                    return new(JsonStatus.Invalid, i, name, arguments, argumentsComplete);
                i = JsonScan.SkipWhitespace(s, i + 1);
                if (i >= s.Length)
                    return new(JsonStatus.Incomplete, s.Length, name, arguments, false);
            }
            first = false;
            if (s[i] != '"')
                return new(JsonStatus.Invalid, i, name, arguments, argumentsComplete);
            var (keyStatus, keyEnd) = JsonScan.String(s, i);
            if (keyStatus != JsonStatus.Complete)
                return new(keyStatus, keyEnd, name, arguments, false);
            var key = s[(i + 1)..(keyEnd - 1)];
            i = JsonScan.SkipWhitespace(s, keyEnd);
            if (i >= s.Length)
                return new(JsonStatus.Incomplete, s.Length, name, arguments, false);
            if (s[i] != ':')
                return new(JsonStatus.Invalid, i, name, arguments, argumentsComplete);
            var valueStart = JsonScan.SkipWhitespace(s, i + 1);
            var (status, end) = JsonScan.Value(s, valueStart);
            var isArguments = key is "arguments" or "parameters" && !sawArguments;
            if (status == JsonStatus.Invalid)
            {
                // Arguments that break are as far as they went, as a stream would have sent them.
                if (isArguments && valueStart < s.Length && s[valueStart] is '{' or '[')
                    arguments = s[valueStart..end];
                return new(JsonStatus.Invalid, end, name, arguments, argumentsComplete);
            }
            if (status == JsonStatus.Incomplete)
            {
                // Arguments stream as they grow, once they are an object or array.
                if (isArguments && valueStart < s.Length && s[valueStart] is '{' or '[')
                    arguments = s[valueStart..];
                return new(JsonStatus.Incomplete, s.Length, name, arguments, false);
            }
            if (key == "name" && name is null)
            {
                if (s[valueStart] != '"')
                    return new(JsonStatus.Invalid, valueStart, null, arguments, argumentsComplete);
                name = Decode(s[valueStart..end]);
            }
            else if (isArguments)
            {
                sawArguments = true;
                argumentsComplete = true;
                arguments = s[valueStart] == '"' ? StringArguments(s[valueStart..end]) : s[valueStart..end];
            }
            i = end;
        }

        CallObject Done(int end) => new(JsonStatus.Complete, end, name, sawArguments ? arguments : "{}", true, sawArguments);
    }

    // A JSON string literal's text; the raw tabs the scan lets through are read as the tabs they are.
    private static string Decode(string literal) => JsonSerializer.Deserialize<string>(literal.Replace("\t", "\\t"))!;

    // A string holding a JSON object or array is what the model meant as the arguments text; any other string stays the string it is.
    private static string StringArguments(string literal)
    {
        var text = Decode(literal);
        var start = JsonScan.SkipWhitespace(text, 0);
        if (start < text.Length && text[start] is '{' or '[')
        {
            var (status, end) = JsonScan.Value(text, start);
            if (status == JsonStatus.Complete && JsonScan.SkipWhitespace(text, end) == text.Length)
                return text;
        }
        return literal;
    }
}
