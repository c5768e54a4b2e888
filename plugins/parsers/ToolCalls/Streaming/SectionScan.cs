namespace Dynamo.Parsers.ToolCalls.Streaming;

/// <summary>
/// What a format reads in a tool-call section (the text after its start marker) so far.
/// Decisions depend only on the text so far, never on what may follow, so any cutting of the
/// stream gives the same result.
/// </summary>
/// <param name="Calls">Calls whose names are known, in order; later scans only extend them.</param>
/// <param name="End">Where the section ended (its end marker or last call consumed), or -1 while it is open.</param>
/// <param name="Failed">The section is not a tool call after all: with no calls, the marker and text are content.</param>
internal sealed record SectionScan(IReadOnlyList<ScannedCall> Calls, int End, bool Failed = false)
{
    public static SectionScan Open(IReadOnlyList<ScannedCall> calls) => new(calls, -1);

    public static SectionScan Closed(IReadOnlyList<ScannedCall> calls, int end) => new(calls, end);

    public static SectionScan Fail(IReadOnlyList<ScannedCall> calls, int at) => new(calls, at, Failed: true);

    /// <summary>
    /// A section of special tokens that holds no call: dropped through its closing tag, or to the end of the
    /// output when it has none (its markup never reaches content).
    /// </summary>
    public static SectionScan Drop(string section, string? closingTag, bool final)
    {
        var close = closingTag is null ? -1 : Formats.Text.Find(section, 0, closingTag);
        if (close >= 0)
            return Closed([], close + closingTag!.Length);
        return final ? Closed([], section.Length) : Open([]);
    }

    /// <summary>The text ends inside the section: wait for more, or at the end of the stream stop there (keeping any named calls).</summary>
    public static SectionScan Unfinished(IReadOnlyList<ScannedCall> calls, string section, bool final) =>
        final ? Fail(calls, section.Length) : Open(calls);

    /// <summary>
    /// The calls are whole at <paramref name="end"/>; the section closes after <paramref name="closingTag"/>
    /// if it follows (after whitespace), waits while it may still be arriving, or else closes at <paramref name="end"/>.
    /// </summary>
    public static SectionScan CloseWith(IReadOnlyList<ScannedCall> calls, string section, int end, string closingTag, bool final)
    {
        var after = Json.JsonScan.SkipWhitespace(section, end);
        return Formats.Text.At(section, after, closingTag) switch
        {
            Formats.Text.Match.Yes => Closed(calls, after + closingTag.Length),
            Formats.Text.Match.Partial when !final => Open(calls),
            _ => Closed(calls, end),
        };
    }
}
