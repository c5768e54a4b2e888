using Dynamo.Parsers.ToolCalls.Json;
using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Formats;

/// <summary>
/// Llama 3's JSON calls: <c>{"name": …, "parameters": …}</c> (or <c>"arguments"</c>), several
/// separated by <c>;</c>, either after <c>&lt;|python_tag|&gt;</c> or as the whole output
/// (a '{' as its first text).
/// </summary>
internal sealed class Llama3JsonFormat : IToolCallFormat
{
    public IReadOnlyList<string> StartMarkers { get; } = ["<|python_tag|>"];

    public string LeadingStarts => "{";

    public SectionScan Scan(string section, bool final)
    {
        var calls = new List<ScannedCall>();
        var i = 0;
        while (true)
        {
            var call = CallObject.Scan(section, i);
            var committed = call.Name is not null;
            if (committed)
                calls.Add(new ScannedCall(call.Name!, call.Arguments, call.Status == JsonStatus.Complete));
            if (call.Status == JsonStatus.Invalid || (call.Status == JsonStatus.Complete && !committed))
                return committed ? SectionScan.Fail(calls, call.End) : calls.Count > 0 ? SectionScan.Closed(calls, i) : SectionScan.Fail([], i);
            if (call.Status == JsonStatus.Incomplete)
                return SectionScan.Unfinished(calls, section, final);
            var next = JsonScan.SkipWhitespace(section, call.End);
            if (next >= section.Length)
                return final ? SectionScan.Closed(calls, section.Length) : SectionScan.Open(calls);
            if (section[next] != ';')
                return SectionScan.Closed(calls, call.End);
            i = next + 1;
        }
    }
}
