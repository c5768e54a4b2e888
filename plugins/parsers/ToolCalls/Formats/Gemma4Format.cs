using Dynamo.Parsers.ToolCalls.Json;
using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Formats;

/// <summary>
/// Gemma 4: <c>&lt;|tool_call&gt;call:NAME{ARGS}&lt;tool_call|&gt;</c>, one call per marker pair, ARGS in
/// Gemma's own notation (<see cref="Gemma4Arguments"/>). A call's body ends at the first <c>}</c>
/// right before <c>&lt;tool_call|&gt;</c>, so a call is emitted whole; ARGS that do not read give <c>{}</c>.
/// At the end of the stream a whole body that lacks only the end marker is still a call, and a call
/// cut off inside is neither call nor content. A bare <c>call:NAME{ARGS}&lt;tool_call|&gt;</c> (opener
/// missing) is a call only with its end marker.
/// </summary>
internal sealed class Gemma4Format : IToolCallFormat
{
    private const string Opener = "<|tool_call>";
    private const string Prefix = "call:";
    private const string Closer = "<tool_call|>";
    private const string BodyEnd = "}" + Closer;

    public IReadOnlyList<string> StartMarkers { get; } = [Opener, Prefix];

    public SectionScan Scan(string section, bool final)
    {
        // After the opener the section starts with call:; after a bare call: it starts with the name.
        // Until call: is there or not, the two read alike: wait, or at the end give the text back.
        var prefix = Text.At(section, 0, Prefix);
        if (prefix == Text.Match.Partial)
            return final ? SectionScan.Fail([], 0) : SectionScan.Open([]);
        var opened = prefix == Text.Match.Yes;
        var at = opened ? Prefix.Length : 0;
        var brace = at;
        while (brace < section.Length && (char.IsLetterOrDigit(section[brace]) || section[brace] is '_' or '-' or '.'))
            brace++;
        if (brace == section.Length)
            return !final ? SectionScan.Open([]) : opened ? Dropped(section) : SectionScan.Fail([], 0);
        if (brace == at || section[brace] != '{')
            return SectionScan.Fail([], 0);
        var name = section[at..brace];
        var end = Text.Find(section, brace + 1, BodyEnd);
        // A bare call: in prose must not swallow a real call that follows it.
        if (!opened && Text.Find(section, brace, Opener) is var next && next >= 0 && (end < 0 || next < end))
            return SectionScan.Fail([], 0);
        if (end >= 0)
            return SectionScan.Closed([new ScannedCall(name, Gemma4Arguments.Whole(section[(brace + 1)..end]) ?? "{}", true)], end + BodyEnd.Length);
        if (!final)
            return SectionScan.Open([]);
        if (!opened)
            return SectionScan.Fail([], 0);
        var (status, json, after) = Gemma4Arguments.Braced(section, brace);
        return status switch
        {
            JsonStatus.Complete => Recovered(new ScannedCall(name, json, true), section, after),
            JsonStatus.Incomplete => Dropped(section),
            _ => SectionScan.Fail([], 0),
        };
    }

    // A whole body at the end of the stream whose end marker is missing, cut short or apart: text after it is content.
    private static SectionScan Recovered(ScannedCall call, string section, int after)
    {
        var rest = JsonScan.SkipWhitespace(section, after);
        return Text.At(section, rest, Closer) switch
        {
            Text.Match.Yes => SectionScan.Closed([call], rest + Closer.Length),
            Text.Match.Partial => SectionScan.Closed([call], section.Length),
            _ => SectionScan.Closed([call], after),
        };
    }

    // Cut off inside the call: no call, and its markup is not content either.
    private static SectionScan Dropped(string section) => SectionScan.Closed([], section.Length);
}
