using System.Text;
using System.Text.Json;

namespace Dynamo.Parsers.ToolCalls.Formats;

/// <summary>JSON cut off by the end of the stream, closed where that gives valid JSON (an open string and the open brackets), as Dynamo's recovery path does.</summary>
internal static class TruncatedJson
{
    /// <returns>The text with its string and brackets closed, or null when that is still not JSON (cut inside a key, a number, a literal).</returns>
    public static string? Close(string text)
    {
        var open = new Stack<char>();
        var inString = false;
        var escaped = false;
        foreach (var c in text)
        {
            if (inString)
            {
                if (escaped)
                    escaped = false;
                else if (c == '\\')
                    escaped = true;
                else if (c == '"')
                    inString = false;
                continue;
            }
            switch (c)
            {
                case '"':
                    inString = true;
                    break;
                case '{':
                    open.Push('}');
                    break;
                case '[':
                    open.Push(']');
                    break;
                case '}' or ']':
                    if (open.Count == 0 || open.Pop() != c)
                        return null;
                    break;
            }
        }
        var closed = new StringBuilder(text);
        if (inString)
        {
            if (escaped)
                closed.Length--; // a lone backslash escapes nothing yet
            closed.Append('"');
        }
        while (open.Count > 0)
            closed.Append(open.Pop());
        var result = closed.ToString();
        try
        {
            using var _ = JsonDocument.Parse(result);
            return result;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
