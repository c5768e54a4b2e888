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
}
