using Dynamo.Parsers.ToolCalls.Json;
using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Formats;

/// <summary>A JSON array of call objects, <c>[{"name": …, "arguments": …}, …]</c>, as growing text.</summary>
internal static class CallArray
{
    /// <param name="start">Where the '[' is expected (after whitespace).</param>
    /// <returns>The calls so far and the array's status; End is after ']' when complete, or where it broke.</returns>
    public static (List<ScannedCall> Calls, JsonStatus Status, int End) Scan(string s, int start)
    {
        var calls = new List<ScannedCall>();
        var i = JsonScan.SkipWhitespace(s, start);
        if (i >= s.Length)
            return (calls, JsonStatus.Incomplete, s.Length);
        if (s[i] != '[')
            return (calls, JsonStatus.Invalid, i);
        i++;
        while (true)
        {
            i = JsonScan.SkipWhitespace(s, i);
            if (i >= s.Length)
                return (calls, JsonStatus.Incomplete, s.Length);
            if (s[i] == ']')
                return (calls, JsonStatus.Complete, i + 1);
            if (calls.Count > 0)
            {
                if (s[i] != ',')
                    return (calls, JsonStatus.Invalid, i);
                i++;
            }
            var call = CallObject.Scan(s, i);
            if (call.Name is not null)
                calls.Add(new ScannedCall(call.Name, call.Arguments, call.Status == JsonStatus.Complete));
            if (call.Status != JsonStatus.Complete)
                return (calls, call.Status, call.End);
            if (call.Name is null)
                return (calls, JsonStatus.Invalid, i);
            i = call.End;
        }
    }

    /// <summary>A section that is such an array, optionally followed by a closing tag.</summary>
    public static SectionScan Section(string section, bool final, string? closingTag)
    {
        var (calls, status, end) = Scan(section, 0);
        switch (status)
        {
            case JsonStatus.Invalid:
                return SectionScan.Fail(calls, calls.Count > 0 ? end : 0);
            case JsonStatus.Incomplete:
                return SectionScan.Unfinished(calls, section, final);
        }
        return closingTag is null ? SectionScan.Closed(calls, end) : SectionScan.CloseWith(calls, section, end, closingTag, final);
    }
}
