using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Formats;

/// <summary><c>&lt;|tool_call|&gt;[{"name": …, "arguments": …}, …]</c> (IBM Granite 3.0), or <c>&lt;tool_call&gt;</c> (3.1); each call emitted whole.</summary>
internal sealed class GraniteFormat : IToolCallFormat
{
    public IReadOnlyList<string> StartMarkers { get; } = ["<|tool_call|>", "<tool_call>"];

    public SectionScan Scan(string section, bool final) => WholeCalls.Of(CallArray.Section(section, final, null));
}
