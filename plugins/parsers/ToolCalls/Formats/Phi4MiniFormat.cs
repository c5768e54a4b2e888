using Dynamo.Parsers.ToolCalls.Json;
using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Formats;

/// <summary><c>functools[{"name": …, "arguments": …}, …]</c>, or <c>functools{…}</c> for a single call (Phi-4-mini).</summary>
internal sealed class Phi4MiniFormat : IToolCallFormat
{
    public IReadOnlyList<string> StartMarkers { get; } = ["functools"];

    public SectionScan Scan(string section, bool final)
    {
        var at = JsonScan.SkipWhitespace(section, 0);
        if (at >= section.Length)
            return SectionScan.Unfinished([], section, final);
        return section[at] switch
        {
            '[' => CallArray.Section(section, final, null),
            '{' => CallObjectSection.Scan(section, final, null),
            _ => SectionScan.Fail([], 0), // the word, not the tool: content
        };
    }
}
