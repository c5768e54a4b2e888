using Dynamo.Abstractions.Requests;
using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Formats;

/// <summary>
/// <c>&lt;|action_start|&gt;&lt;|plugin|&gt;{"name": …, "parameters": …}&lt;|action_end|&gt;</c> (InternLM 2).
/// The call is emitted whole; when the request offers tools, a call to any other name is not emitted (as vLLM does).
/// </summary>
internal sealed class InternLmFormat(IReadOnlyList<ToolDefinition> tools) : IToolCallFormat
{
    public IReadOnlyList<string> StartMarkers { get; } = ["<|action_start|><|plugin|>"];

    public SectionScan Scan(string section, bool final)
    {
        var scan = WholeCalls.Of(CallObjectSection.Scan(section, final, "<|action_end|>"));
        if (tools.Count == 0 || scan.Calls.Count == 0 || tools.Any(t => t.Name == scan.Calls[0].Name))
            return scan;
        // Not offered: the section is read to its end as usual and dropped, markup and all.
        return scan.Failed ? SectionScan.Fail([], scan.End) : scan with { Calls = [] };
    }
}
