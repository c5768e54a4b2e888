using Dynamo.Parsers.ToolCalls.Json;
using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Formats;

/// <summary>
/// gpt-oss (harmony) calls: <c>&lt;|channel|&gt;commentary to=functions.NAME &lt;|constrain|&gt;json&lt;|message|&gt;{…}&lt;|call|&gt;</c>.
/// The <c>gpt_oss</c> reasoning parser takes the analysis channel and the framing of other
/// messages away first and hands commentary addressed to a function through in this form.
/// </summary>
internal sealed class HarmonyFormat : IToolCallFormat
{
    public IReadOnlyList<string> StartMarkers { get; } = ["<|channel|>commentary to="];

    public SectionScan Scan(string section, bool final)
    {
        var message = Text.Find(section, 0, "<|message|>");
        if (message < 0)
            return final ? SectionScan.Fail([], section.Length) : SectionScan.Open([]);
        var recipient = section[..message].Split([' ', '<'], 2)[0].Trim();
        var name = recipient.StartsWith("functions.", StringComparison.Ordinal) ? recipient["functions.".Length..] : recipient;
        if (name.Length == 0)
            return SectionScan.Fail([], 0);
        var argsAt = JsonScan.SkipWhitespace(section, message + "<|message|>".Length);
        var (status, end) = JsonScan.Value(section, argsAt);
        var streamed = argsAt < section.Length && section[argsAt] is '{' or '[' ? section[argsAt..] : "";
        switch (status)
        {
            case JsonStatus.Incomplete:
                return final ? SectionScan.Fail([new ScannedCall(name, streamed, false)], section.Length) : SectionScan.Open([new ScannedCall(name, streamed, false)]);
            case JsonStatus.Invalid:
                return SectionScan.Fail([new ScannedCall(name, streamed.Length > 0 ? section[argsAt..end] : "", false)], end);
        }
        var call = new ScannedCall(name, section[argsAt..end], true);
        var after = JsonScan.SkipWhitespace(section, end);
        return Text.At(section, after, "<|call|>") switch
        {
            Text.Match.Yes => SectionScan.Closed([call], after + "<|call|>".Length),
            Text.Match.Partial when !final => SectionScan.Open([call]),
            _ => SectionScan.Closed([call], end),
        };
    }
}
