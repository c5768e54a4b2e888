using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Formats;

/// <summary>
/// <c>&lt;tool_call&gt;{"name": …, "arguments": …}&lt;/tool_call&gt;</c>, one call per tag pair,
/// several in a row (Hermes, Qwen 2.5). A call whose closing tag never came is kept at the end
/// of the stream when its JSON is whole.
/// </summary>
internal sealed class HermesFormat : IToolCallFormat
{
    public IReadOnlyList<string> StartMarkers { get; } = ["<tool_call>"];

    public SectionScan Scan(string section, bool final) => CallObjectSection.Scan(section, final, "</tool_call>");
}
