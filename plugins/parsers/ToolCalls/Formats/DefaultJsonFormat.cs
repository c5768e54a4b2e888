using Dynamo.Parsers.ToolCalls.Json;
using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Formats;

/// <summary>
/// Dynamo's generic JSON calls: a call object or an array of them, after <c>&lt;TOOLCALL&gt;</c> (closed by
/// <c>&lt;/TOOLCALL&gt;</c>) or <c>&lt;|python_tag|&gt;</c>, or bare in the text. JSON that is no call is text.
/// </summary>
internal sealed class DefaultJsonFormat : IToolCallFormat
{
    private const string Close = "</TOOLCALL>";

    public IReadOnlyList<string> StartMarkers { get; } = ["<TOOLCALL>", "<|python_tag|>"];

    public IReadOnlyList<string> InlineStarts { get; } = ["[", "{"];

    public bool MarkerIsContent => false;

    public bool DropsTextAfterCalls => true;

    public SectionScan Scan(string section, bool final)
    {
        var at = JsonScan.SkipWhitespace(section, 0);
        if (at >= section.Length)
            return SectionScan.Unfinished([], section, final);
        return section[at] switch
        {
            '[' => CallArray.Section(section, final, Close),
            '{' => CallObjectSection.Scan(section, final, Close),
            _ => SectionScan.Fail([], 0),
        };
    }
}
