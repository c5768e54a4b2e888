using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Formats;

/// <summary>
/// Python call syntax: <c>[get_weather(city="SF", days=3), other()]</c>, optionally inside
/// <c>&lt;|python_start|&gt;…&lt;|python_end|&gt;</c>. Keyword arguments' Python literals become a JSON
/// object; each call is emitted when its parenthesis closes. Text before the list is content; the
/// first list that holds a call is the answer, and everything after it is dropped (Dynamo).
/// </summary>
internal sealed class PythonicFormat : IToolCallFormat
{
    public IReadOnlyList<string> StartMarkers { get; } = ["<|python_start|>"];

    public IReadOnlyList<string> InlineStarts { get; } = ["["];

    public bool DropsTextAfterCalls => true;

    public SectionScan Scan(string section, bool final)
    {
        List<ScannedCall> calls = [];
        var reader = new PythonReader(section);
        reader.Space();
        if (!reader.Take('['))
            return reader.AtEnd && !final ? SectionScan.Open(calls) : SectionScan.Fail(calls, 0);
        for (var items = 0; ; items++)
        {
            reader.Space();
            if (reader.AtEnd)
                return Cut(calls, section, final);
            if (reader.Take(']'))
                return Stop(calls, section, final);
            if (items > 0)
            {
                if (!reader.Take(','))
                    return Stop(calls, section, final); // a broken sibling: the calls before it stand (vLLM)
                reader.Space();
                if (reader.AtEnd)
                    return Cut(calls, section, final);
                if (reader.Take(']'))
                    return Stop(calls, section, final);
            }
            var (outcome, name, arguments) = PythonCall.Read(reader);
            switch (outcome)
            {
                case PythonCall.Outcome.Incomplete:
                    return Cut(calls, section, final);
                case PythonCall.Outcome.Broken:
                    return Stop(calls, section, final);
                case PythonCall.Outcome.Call:
                    calls.Add(new ScannedCall(name, arguments, true));
                    break;
            }
        }
    }

    // The text ends inside the list: wait, or at the end keep the calls that closed.
    private static SectionScan Cut(List<ScannedCall> calls, string section, bool final) =>
        final ? Stop(calls, section, final) : SectionScan.Open(calls);

    // The list is read: no call in it makes it text; else it takes the rest of the output with it, so no later list is read.
    private static SectionScan Stop(List<ScannedCall> calls, string section, bool final) =>
        calls.Count == 0 ? SectionScan.Fail(calls, 0) : final ? SectionScan.Closed(calls, section.Length) : SectionScan.Open(calls);
}
