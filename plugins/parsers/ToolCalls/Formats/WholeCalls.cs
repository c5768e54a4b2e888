using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Formats;

/// <summary>
/// For families that emit each call only once its JSON object has closed: the references drop a
/// call whose JSON breaks or is cut off, which a call already streamed by name could not undo.
/// </summary>
internal static class WholeCalls
{
    /// <summary>The scan with only its whole calls; a cut-off last call at the end of the stream is not one.</summary>
    public static SectionScan Of(SectionScan scan) =>
        scan.Calls.All(c => c.Complete) ? scan : scan with { Calls = [.. scan.Calls.Where(c => c.Complete)] };
}
