using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Formats;

/// <summary><c>&lt;|action_start|&gt;&lt;|plugin|&gt;{"name": …, "parameters": …}&lt;|action_end|&gt;</c> (InternLM 2).</summary>
internal sealed class InternLmFormat : IToolCallFormat
{
    public IReadOnlyList<string> StartMarkers { get; } = ["<|action_start|><|plugin|>"];

    public SectionScan Scan(string section, bool final) => CallObjectSection.Scan(section, final, "<|action_end|>");
}
