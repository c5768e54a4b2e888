using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Formats;

/// <summary>
/// Nemotron (Llama-3.x-Nemotron, "Deci"): <c>&lt;TOOLCALL&gt;[{"name": …, "arguments": …}, …]&lt;/TOOLCALL&gt;</c>.
/// The tags are special tokens, never content (a wrapper of no call is dropped whole); text after the calls
/// is dropped, as the references do.
/// </summary>
internal sealed class NemotronDeciFormat : IToolCallFormat
{
    private const string Close = "</TOOLCALL>";

    public IReadOnlyList<string> StartMarkers { get; } = ["<TOOLCALL>"];

    public bool MarkerIsContent => false;

    public bool DropsTextAfterCalls => true;

    public SectionScan Scan(string section, bool final)
    {
        var scan = CallArray.Section(section, final, Close);
        return scan.Failed && scan.Calls.Count == 0 ? SectionScan.Drop(section, Close, final) : scan;
    }
}
