using Dynamo.Parsers.ToolCalls.Json;
using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Formats;

/// <summary>
/// <c>functools[{"name": …, "arguments": …}, …]</c>, or <c>functools{…}</c> for a single call (Phi-4-mini).
/// Each call is emitted whole. The word alone, or followed by anything but a bracket, is text.
/// </summary>
internal sealed class Phi4MiniFormat : IToolCallFormat
{
    public IReadOnlyList<string> StartMarkers { get; } = ["functools"];

    public SectionScan Scan(string section, bool final)
    {
        var at = JsonScan.SkipWhitespace(section, 0);
        if (at >= section.Length)
            return SectionScan.Unfinished([], section, final);
        var scan = section[at] switch
        {
            '[' => WholeCalls.Of(CallArray.Section(section, final, null)),
            '{' => WholeCalls.Of(CallObjectSection.Scan(section, final, null)),
            _ => null,
        };
        if (scan is null)
            return SectionScan.Fail([], 0); // the word, not the tool: content
        return scan.Failed && scan.Calls.Count == 0 ? Block(section, at, final) : scan;
    }

    // functools and a bracketed block that holds no call: the token is not text, so the block goes with it (Dynamo keeps neither).
    private static SectionScan Block(string section, int at, bool final)
    {
        var depth = 0;
        var inString = false;
        for (var i = at; i < section.Length; i++)
        {
            var c = section[i];
            if (inString)
            {
                if (c == '\\')
                    i++;
                else if (c == '"')
                    inString = false;
                continue;
            }
            if (c == '"')
                inString = true;
            else if (c is '[' or '{')
                depth++;
            else if (c is ']' or '}' && --depth == 0)
                return SectionScan.Closed([], i + 1);
        }
        return SectionScan.Unfinished([], section, final);
    }
}
