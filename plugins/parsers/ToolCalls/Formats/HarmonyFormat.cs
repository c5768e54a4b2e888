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
            return SectionScan.Unfinished([], section, final);
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
                return SectionScan.Unfinished([new ScannedCall(name, streamed, false)], section, final);
            case JsonStatus.Invalid:
                return SectionScan.Fail([new ScannedCall(name, streamed.Length > 0 ? section[argsAt..end] : "", false)], end);
        }
        return SectionScan.CloseWith([new ScannedCall(name, section[argsAt..end], true)], section, end, "<|call|>", final);
    }
}
