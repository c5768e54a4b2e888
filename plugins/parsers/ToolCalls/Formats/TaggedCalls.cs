using Dynamo.Parsers.ToolCalls.Json;
using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Formats;

/// <summary>
/// Sections of calls wrapped in special tokens, as DeepSeek and Kimi write them:
/// <c>SECTION_BEGIN (CALL_BEGIN head ARGS_JSON CALL_END)* SECTION_END</c>. The family says how a
/// call's head reads (name, native id) and what surrounds the JSON.
/// </summary>
internal abstract class TaggedCalls(string[] sectionBegins, string[] sectionEnds, string callBegin, string callEnd) : IToolCallFormat
{
    protected TaggedCalls(string sectionBegin, string sectionEnd, string callBegin, string callEnd)
        : this([sectionBegin], [sectionEnd], callBegin, callEnd)
    {
    }

    public IReadOnlyList<string> StartMarkers { get; } = sectionBegins;

    /// <summary>Reads a call's head from <paramref name="at"/>: the name (and id), and where the arguments JSON starts; Partial while the head is still arriving. A null name skips the call (its head is not one the family accepts).</summary>
    protected abstract (Text.Match Match, string? Name, string? Id, int ArgsAt) Head(string s, int at);

    /// <summary>Text allowed between the JSON and the call's end (DeepSeek V3's closing fence).</summary>
    protected virtual string Trailer => "";

    /// <summary>
    /// Whether a call is made only once its arguments are whole (Kimi: a call cut short is no call, as
    /// its references have it); then a section cut short keeps its whole calls and drops the rest.
    /// </summary>
    protected virtual bool WholeCallsOnly => false;

    public SectionScan Scan(string section, bool final)
    {
        var calls = new List<ScannedCall>();
        var i = 0;
        while (true)
        {
            i = JsonScan.SkipWhitespace(section, i);
            var (end, endLength) = AnyOf(section, i, sectionEnds);
            var begin = Text.At(section, i, callBegin);
            if (end == Text.Match.Yes)
                return SectionScan.Closed(calls, i + endLength);
            if (begin != Text.Match.Yes)
            {
                if (i >= section.Length || end == Text.Match.Partial || begin == Text.Match.Partial)
                    return final ? Stop(calls, section.Length) : SectionScan.Open(calls);
                return Stop(calls, i);
            }
            var (match, name, id, argsAt) = Head(section, i + callBegin.Length);
            if (match == Text.Match.No)
                return Stop(calls, i);
            if (match == Text.Match.Partial)
                return final ? Stop(calls, section.Length) : SectionScan.Open(calls);
            argsAt = JsonScan.SkipWhitespace(section, argsAt);
            var (status, argsEnd) = JsonScan.Value(section, argsAt);
            if (status == JsonStatus.Invalid)
                return WholeCallsOnly || name is null ? Stop(calls, argsAt) : SectionScan.Fail([.. calls, new ScannedCall(name, "", false, id)], argsAt);
            if (status == JsonStatus.Incomplete)
            {
                if (WholeCallsOnly || name is null)
                    return final ? Stop(calls, section.Length) : SectionScan.Open(calls);
                calls.Add(new ScannedCall(name, argsAt < section.Length && section[argsAt] is '{' or '[' ? section[argsAt..] : "", false, id));
                return SectionScan.Unfinished(calls, section, final);
            }
            if (name is not null)
                calls.Add(new ScannedCall(name, section[argsAt..argsEnd], true, id));
            i = JsonScan.SkipWhitespace(section, argsEnd);
            if (Trailer.Length > 0)
            {
                var trailer = Text.At(section, i, Trailer);
                if (trailer == Text.Match.Partial || (trailer == Text.Match.No && i >= section.Length))
                    return final ? SectionScan.Closed(calls, section.Length) : SectionScan.Open(calls);
                if (trailer == Text.Match.Yes)
                    i = JsonScan.SkipWhitespace(section, i + Trailer.Length);
            }
            var close = Text.At(section, i, callEnd);
            if (close == Text.Match.Partial || i >= section.Length)
                return final ? SectionScan.Closed(calls, section.Length) : SectionScan.Open(calls);
            if (close == Text.Match.No)
                return SectionScan.Closed(calls, i);
            i += callEnd.Length;
        }
    }

    // A section that stops early keeps the calls it had; with none, it was not a tool call (a
    // whole-calls family drops its markup all the same: its special tokens are never content).
    private SectionScan Stop(List<ScannedCall> calls, int at) => calls.Count > 0 || WholeCallsOnly ? SectionScan.Closed(calls, at) : SectionScan.Fail([], at);

    private static (Text.Match Match, int Length) AnyOf(string s, int at, string[] literals)
    {
        var result = (Text.Match.No, 0);
        foreach (var literal in literals)
            switch (Text.At(s, at, literal))
            {
                case Text.Match.Yes:
                    return (Text.Match.Yes, literal.Length);
                case Text.Match.Partial:
                    result = (Text.Match.Partial, 0);
                    break;
            }
        return result;
    }

    /// <summary>Text up to <paramref name="delimiter"/> from <paramref name="at"/>: Partial while it has not come.</summary>
    protected static (Text.Match Match, string Value, int After) Until(string s, int at, string delimiter)
    {
        var found = Text.Find(s, at, delimiter);
        return found < 0 ? (Text.Match.Partial, "", s.Length) : (Text.Match.Yes, s[at..found], found + delimiter.Length);
    }
}
