using Dynamo.Parsers.ToolCalls.Json;
using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Formats;

/// <summary>
/// <c>&lt;tool_calls&gt;[{"name": …, "arguments": …}, …]&lt;/tool_calls&gt;</c>, or a single object (Jamba).
/// Each call is emitted whole, when its object closes: Dynamo drops a call whose JSON breaks
/// later and keeps a cut-off body as text, which a call already streamed could not undo.
/// </summary>
internal sealed class JambaFormat : IToolCallFormat
{
    private const string Close = "</tool_calls>";

    public IReadOnlyList<string> StartMarkers { get; } = ["<tool_calls>"];

    // A close tag without its opener opens a section of its own, so the markup is dropped.
    public IReadOnlyList<string> InlineStarts { get; } = [Close];

    public bool DropsTextAfterCalls => true;

    public SectionScan Scan(string section, bool final)
    {
        var at = JsonScan.SkipWhitespace(section, 0);
        if (at >= section.Length)
            return SectionScan.Unfinished([], section, final);
        switch (Text.At(section, at, Close))
        {
            case Text.Match.Yes:
                return SectionScan.Closed([], at + Close.Length); // empty wrapper, or an orphan close tag
            case Text.Match.Partial when !final:
                return SectionScan.Open([]);
        }
        var (calls, status, end) = section[at] == '{' ? One(section, at) : CallArray.Scan(section, at);
        var whole = calls.Where(c => c.Complete).ToList();
        return status switch
        {
            JsonStatus.Complete => SectionScan.CloseWith(whole, section, end, Close, final),
            JsonStatus.Incomplete when !final => SectionScan.Open(whole),
            JsonStatus.Incomplete => Recover(calls, whole, section),
            _ => Broken(whole, section, end, final),
        };
    }

    private static (List<ScannedCall> Calls, JsonStatus Status, int End) One(string section, int at)
    {
        var call = CallObject.Scan(section, at);
        List<ScannedCall> calls = call.Name is null ? [] : [new ScannedCall(call.Name, call.Arguments, call.Status == JsonStatus.Complete)];
        var status = call.Status == JsonStatus.Complete && call.Name is null ? JsonStatus.Invalid : call.Status;
        return (calls, status, call.End);
    }

    // Not a call list: the wrapper and what it holds are markup, dropped once the close tag shows; without one, the text stays.
    private static SectionScan Broken(List<ScannedCall> whole, string section, int end, bool final)
    {
        var close = Text.Find(section, end, Close);
        if (close >= 0)
            return SectionScan.Closed(whole, close + Close.Length);
        if (!final)
            return SectionScan.Open(whole);
        return whole.Count > 0 ? SectionScan.Closed(whole, end) : SectionScan.Fail([], 0);
    }

    // The stream ended inside the list: a last call whose arguments close into JSON is kept, as Dynamo's recovery path repairs it.
    private static SectionScan Recover(List<ScannedCall> calls, List<ScannedCall> whole, string section)
    {
        if (calls.Count > 0 && calls[^1] is { Complete: false, Arguments.Length: > 0 } last && TruncatedJson.Close(last.Arguments) is { } arguments)
            whole.Add(last with { Arguments = arguments, Complete = true });
        return whole.Count > 0 ? SectionScan.Closed(whole, section.Length) : SectionScan.Fail([], 0);
    }
}
