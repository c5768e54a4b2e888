using Dynamo.Parsers.ToolCalls.Json;
using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Formats;

/// <summary>
/// Sections of calls wrapped in special tokens, as DeepSeek writes them:
/// <c>SECTION_BEGIN (CALL_BEGIN head ARGS_JSON CALL_END)* SECTION_END</c>; the family says how a
/// call's head reads. A call is made whole, once its end token came: its references leave the
/// whole section as text when a call turns out malformed (JSON not valid, no name, the wrong
/// closing token), and a call streamed early could not be taken back. Text after the calls is
/// dropped, as the references do.
/// </summary>
internal abstract class TaggedCalls(string sectionBegin, string sectionEnd, string callBegin, string callEnd) : IToolCallFormat
{
    protected enum HeadKind
    {
        /// <summary>A name, and where the arguments start.</summary>
        Call,

        /// <summary>Still arriving.</summary>
        Partial,

        /// <summary>A call closed with no arguments: not a call, its markup dropped; Next is after its end.</summary>
        Empty,

        /// <summary>Not a call the family writes.</summary>
        Malformed,
    }

    /// <param name="Next">Where the arguments start (Call), or where reading goes on (Empty).</param>
    protected readonly record struct CallHead(HeadKind Kind, string Name = "", int Next = 0);

    public IReadOnlyList<string> StartMarkers { get; } = [sectionBegin];

    public bool DropsTextAfterCalls => true;

    protected string CallEnd => callEnd;

    /// <summary>Reads a call's head from <paramref name="at"/> (just after CALL_BEGIN).</summary>
    protected abstract CallHead Head(string s, int at);

    /// <summary>Text allowed between the JSON and the call's end (DeepSeek V3's closing fence).</summary>
    protected virtual string Trailer => "";

    /// <summary>Where the next of the tokens that end a head comes, and which it is.</summary>
    protected (int At, string? Token) NextToken(string s, int from, string token) => SpecialTokens.First(s, from, token, callEnd, callBegin, sectionEnd);

    public SectionScan Scan(string section, bool final)
    {
        var calls = new List<ScannedCall>();
        var begun = false;
        var i = 0;
        while (true)
        {
            i = JsonScan.SkipWhitespace(section, i);
            var end = Text.At(section, i, sectionEnd);
            if (end == Text.Match.Yes)
                return SectionScan.Closed(calls, i + sectionEnd.Length);
            var begin = Text.At(section, i, callBegin);
            if (begin != Text.Match.Yes)
            {
                if (i < section.Length && begin == Text.Match.No && end == Text.Match.No)
                    return Broken(calls, i);
                return final ? CutShort(calls, begun, section) : SectionScan.Open(calls);
            }
            begun = true;
            var head = Head(section, i + callBegin.Length);
            switch (head.Kind)
            {
                case HeadKind.Partial:
                    return final ? CutShort(calls, begun, section) : SectionScan.Open(calls);
                case HeadKind.Malformed:
                    return Broken(calls, i);
                case HeadKind.Empty:
                    i = head.Next;
                    continue;
            }
            var argsAt = JsonScan.SkipWhitespace(section, head.Next);
            if (argsAt >= section.Length)
                return final ? CutShort(calls, begun, section) : SectionScan.Open(calls);
            if (section[argsAt] != '{')
                return Broken(calls, i);
            var (status, argsEnd) = JsonScan.Value(section, argsAt);
            if (status == JsonStatus.Invalid)
                return Broken(calls, i);
            if (status == JsonStatus.Incomplete)
            {
                // A special token cannot be inside the JSON: the call ended before its JSON did.
                if (NextToken(section, argsAt, callEnd).At >= 0)
                    return Broken(calls, i);
                return final ? CutShort(calls, begun, section) : SectionScan.Open(calls);
            }
            var call = new ScannedCall(head.Name, section[argsAt..argsEnd], true);
            var j = JsonScan.SkipWhitespace(section, argsEnd);
            if (Trailer.Length > 0)
            {
                var trailer = Text.At(section, j, Trailer);
                if (trailer == Text.Match.Yes)
                    j = JsonScan.SkipWhitespace(section, j + Trailer.Length);
                else if (trailer == Text.Match.Partial)
                    j = section.Length;
            }
            var close = Text.At(section, j, callEnd);
            if (close == Text.Match.Yes)
            {
                calls.Add(call);
                i = j + callEnd.Length;
                continue;
            }
            if (close == Text.Match.No && j < section.Length)
                return Broken(calls, i);
            // The stream ended after a whole JSON with no end token: the call is kept (Dynamo's recovery path).
            return final ? SectionScan.Closed([.. calls, call], section.Length) : SectionScan.Open(calls);
        }
    }

    // Not a call after all: with none before it, the whole section is text, as the references keep it.
    private static SectionScan Broken(List<ScannedCall> calls, int at) => calls.Count > 0 ? SectionScan.Closed(calls, at) : SectionScan.Fail([], at);

    // The stream ended inside the section: once a call had begun its markup is dropped (the calls before it kept); before that it is text.
    private static SectionScan CutShort(List<ScannedCall> calls, bool begun, string section) => begun ? SectionScan.Closed(calls, section.Length) : Broken(calls, section.Length);
}
