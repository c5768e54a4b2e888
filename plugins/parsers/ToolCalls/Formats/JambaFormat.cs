using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Formats;

/// <summary><c>&lt;tool_calls&gt;[{"name": …, "arguments": …}, …]&lt;/tool_calls&gt;</c> (Jamba).</summary>
internal sealed class JambaFormat : IToolCallFormat
{
    public IReadOnlyList<string> StartMarkers { get; } = ["<tool_calls>"];

    public SectionScan Scan(string section, bool final) => CallArray.Section(section, final, "</tool_calls>");
}
