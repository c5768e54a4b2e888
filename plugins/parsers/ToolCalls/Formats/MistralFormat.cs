using Dynamo.Parsers.ToolCalls.Json;
using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Formats;

/// <summary>
/// <c>[TOOL_CALLS]</c> then a JSON array of calls or a single call object (older Mistral
/// tokenizers, optionally closed by <c>[/TOOL_CALLS]</c>), or <c>NAME{json}</c> /
/// <c>NAME[ARGS]{json}</c> (newer ones, one call per marker). Ids are nine letters and digits, as
/// Mistral's templates require of the next turn. The array or object may also come bare, after
/// text. A marker followed by no call is dropped, and the text after it is content; text after the
/// calls is dropped, as the references do.
/// </summary>
internal sealed class MistralFormat : IToolCallFormat
{
    private const string ArgsTag = "[ARGS]";
    private const string SectionEnd = "[/TOOL_CALLS]";

    public IReadOnlyList<string> StartMarkers { get; } = ["[TOOL_CALLS]"];

    public string NewId(Random random) => Ids.Random(random, 9);

    public bool MarkerIsContent => false;

    // Older Mistral models also write the array (or one call object) with no marker at all.
    public IReadOnlyList<string> InlineStarts { get; } = ["[", "{"];

    public bool DropsTextAfterCalls => true;

    public SectionScan Scan(string section, bool final)
    {
        var i = JsonScan.SkipWhitespace(section, 0);
        if (i >= section.Length)
            return final ? SectionScan.Fail([], 0) : SectionScan.Open([]);
        if (section[i] == '[')
            return CallArray.Section(section, final, SectionEnd);
        if (section[i] == '{')
            return CallObjectSection.Scan(section, final, SectionEnd);
        var nameEnd = i;
        while (nameEnd < section.Length && (char.IsLetterOrDigit(section[nameEnd]) || section[nameEnd] is '_' or '-' or '.'))
            nameEnd++;
        if (nameEnd == i)
            return SectionScan.Fail([], i);
        if (nameEnd == section.Length)
            return SectionScan.Unfinished([], section, final);
        var name = section[i..nameEnd];
        var argsAt = nameEnd;
        switch (Text.At(section, nameEnd, ArgsTag))
        {
            case Text.Match.Yes:
                argsAt += ArgsTag.Length;
                break;
            case Text.Match.Partial:
                return SectionScan.Unfinished([], section, final);
        }
        argsAt = JsonScan.SkipWhitespace(section, argsAt);
        if (argsAt >= section.Length)
            return final ? SectionScan.Closed([new ScannedCall(name, "{}", true)], section.Length) : SectionScan.Open([]);
        if (section[argsAt] is not ('{' or '['))
            return SectionScan.Fail([], nameEnd);
        var (status, end) = JsonScan.Value(section, argsAt);
        return status switch
        {
            JsonStatus.Complete => SectionScan.Closed([new ScannedCall(name, section[argsAt..end], true)], end),
            JsonStatus.Incomplete => SectionScan.Unfinished([new ScannedCall(name, section[argsAt..], false)], section, final),
            _ => SectionScan.Fail([new ScannedCall(name, section[argsAt..end], false)], end),
        };
    }
}
