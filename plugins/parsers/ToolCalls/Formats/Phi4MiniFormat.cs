using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Formats;

/// <summary><c>functools[{"name": …, "arguments": …}, …]</c> (Phi-4-mini).</summary>
internal sealed class Phi4MiniFormat : IToolCallFormat
{
    public IReadOnlyList<string> StartMarkers { get; } = ["functools["];

    // The marker ate the '['; the section reads as the array it opened.
    public SectionScan Scan(string section, bool final)
    {
        var scan = CallArray.Section("[" + section, final, null);
        return scan with { End = scan.End <= 0 ? scan.End : scan.End - 1 };
    }
}
