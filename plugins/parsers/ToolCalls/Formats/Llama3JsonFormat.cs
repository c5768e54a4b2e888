using Dynamo.Parsers.ToolCalls.Json;
using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Formats;

/// <summary>
/// Llama 3's JSON calls: <c>{"name": …, "parameters": …}</c> (or <c>"arguments"</c>), after
/// <c>&lt;|python_tag|&gt;</c> or bare anywhere in the text, several separated by <c>;</c> or
/// whitespace. A bare object is only a call once it is whole, with a name and arguments (else it
/// is text), so a call is made only then; text after the calls is dropped, as the references do.
/// </summary>
internal sealed class Llama3JsonFormat : IToolCallFormat
{
    public IReadOnlyList<string> StartMarkers { get; } = ["<|python_tag|>"];

    public IReadOnlyList<string> InlineStarts { get; } = ["{"];

    public bool MarkerIsContent => false;

    public bool DropsTextAfterCalls => true;

    public SectionScan Scan(string section, bool final) => Scan("{", section, final);

    // After <|python_tag|> (a special token) output that is no call is dropped to the end, never shown.
    public SectionScan Scan(string marker, string section, bool final)
    {
        var scan = Calls(section, final);
        return marker == StartMarkers[0] && scan.Failed && scan.Calls.Count == 0 ? SectionScan.Drop(section, null, final) : scan;
    }

    private static SectionScan Calls(string section, bool final)
    {
        var calls = new List<ScannedCall>();
        var i = 0;
        while (true)
        {
            var call = CallObject.Scan(section, i);
            if (call.Status == JsonStatus.Incomplete)
                return !final ? SectionScan.Open(calls) : calls.Count > 0 ? SectionScan.Closed(calls, i) : SectionScan.Fail([], section.Length);
            if (call.Status == JsonStatus.Invalid || call.Name is null || !call.HasArguments)
                return calls.Count > 0 ? SectionScan.Closed(calls, i) : SectionScan.Fail([], i);
            calls.Add(new ScannedCall(call.Name, call.Arguments, true));
            var next = JsonScan.SkipWhitespace(section, call.End);
            if (next >= section.Length)
                return final ? SectionScan.Closed(calls, section.Length) : SectionScan.Open(calls);
            if (section[next] is not (';' or '{'))
                return SectionScan.Closed(calls, call.End);
            i = section[next] == ';' ? next + 1 : next;
        }
    }
}
