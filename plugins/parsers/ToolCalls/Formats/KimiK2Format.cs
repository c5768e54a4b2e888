using Dynamo.Abstractions.Requests;
using Dynamo.Parsers.ToolCalls.Json;
using Dynamo.Parsers.ToolCalls.Streaming;

namespace Dynamo.Parsers.ToolCalls.Formats;

/// <summary>
/// Kimi K2: <c>&lt;|tool_calls_section_begin|&gt;&lt;|tool_call_begin|&gt;functions.NAME:IDX&lt;|tool_call_argument_begin|&gt;{…}&lt;|tool_call_end|&gt;…&lt;|tool_calls_section_end|&gt;</c>
/// (the section tokens also spelled singular, <c>tool_call_section</c>). Calls are made whole, at
/// their end token, with the arguments as written (passed on even when not valid JSON, as the
/// references do). The model's own id is kept, as its template expects it back. Kimi's tokens
/// never reach content: each opens a section here (kept as its start), so a stray one is dropped.
/// </summary>
internal sealed class KimiK2Format(IReadOnlyList<ToolDefinition> tools) : IToolCallFormat
{
    private const string CallBegin = "<|tool_call_begin|>";
    private const string ArgumentBegin = "<|tool_call_argument_begin|>";
    private const string CallEnd = "<|tool_call_end|>";
    private const string SectionEnd = "<|tool_calls_section_end|>";
    private const string SingularSectionEnd = "<|tool_call_section_end|>";
    private static readonly string[] SectionBegins = ["<|tool_calls_section_begin|>", "<|tool_call_section_begin|>"];

    public IReadOnlyList<string> StartMarkers => [];

    public IReadOnlyList<string> InlineStarts { get; } = [.. SectionBegins, CallBegin, SectionEnd, SingularSectionEnd, ArgumentBegin, CallEnd];

    public SectionScan Scan(string section, bool final)
    {
        var calls = new List<ScannedCall>();
        var (stray, length) = SpecialTokens.AtAny(section, 0, SectionEnd, SingularSectionEnd, ArgumentBegin, CallEnd);
        if (stray == Text.Match.Yes)
            return SectionScan.Closed(calls, length); // a stray token: dropped
        var (opened, i) = SpecialTokens.AtAny(section, 0, SectionBegins);
        var inSection = opened == Text.Match.Yes;
        while (true)
        {
            i = JsonScan.SkipWhitespace(section, i);
            var (end, endLength) = SpecialTokens.AtAny(section, i, SectionEnd, SingularSectionEnd);
            if (end == Text.Match.Yes)
                return SectionScan.Closed(calls, i + endLength);
            var begin = Text.At(section, i, CallBegin);
            if (begin != Text.Match.Yes)
            {
                if (i >= section.Length || begin == Text.Match.Partial || end == Text.Match.Partial)
                    return final ? SectionScan.Closed(calls, section.Length) : SectionScan.Open(calls);
                if (!inSection)
                    return SectionScan.Closed(calls, i); // calls without a section end where other text starts
                // Text in a section that is no call is skipped, up to the next call or the section's end.
                var (next, _) = SpecialTokens.First(section, i, CallBegin, SectionEnd, SingularSectionEnd);
                if (next < 0)
                    return final ? SectionScan.Closed(calls, section.Length) : SectionScan.Open(calls);
                i = next;
                continue;
            }
            var idAt = i + CallBegin.Length;
            var (idEnd, token) = SpecialTokens.First(section, idAt, ArgumentBegin, CallEnd, CallBegin, SectionEnd, SingularSectionEnd);
            if (token is null)
            {
                if (!final)
                    return SectionScan.Open(calls);
                // Cut short in its head: inside a section all of it is markup; a lone call token is dropped and the prose after it kept.
                return SectionScan.Closed(calls, inSection ? section.Length : idAt);
            }
            if (token != ArgumentBegin)
            {
                // No arguments: not a call (its end token consumed with it).
                i = token == CallEnd ? idEnd + CallEnd.Length : idEnd;
                continue;
            }
            var id = section[idAt..idEnd].Trim();
            var argsAt = idEnd + ArgumentBegin.Length;
            var (argsEnd, closer) = SpecialTokens.First(section, argsAt, CallEnd, CallBegin, ArgumentBegin, SectionEnd, SingularSectionEnd);
            if (closer is null)
            {
                if (!final)
                    return SectionScan.Open(calls);
                // The stream ended before the call's end: kept when its JSON is whole.
                var rest = section[argsAt..].Trim();
                if (Whole(rest) && Name(id, rest) is { } last)
                    calls.Add(new ScannedCall(last, rest, true, id));
                return SectionScan.Closed(calls, section.Length);
            }
            if (closer != CallEnd)
            {
                i = argsEnd; // the call never ended: dropped
                continue;
            }
            var arguments = section[argsAt..argsEnd].Trim();
            if (arguments.Length > 0 && Name(id, arguments) is { } name)
                calls.Add(new ScannedCall(name, arguments, true, id));
            i = argsEnd + CallEnd.Length;
        }
    }

    private static bool Whole(string json) => JsonScan.Value(json, 0) is (JsonStatus.Complete, var end) && end == json.Length;

    /// <summary>The function an id names: <c>[functions.]NAME:IDX</c>, or a bare counter resolved against the tools; null skips the call.</summary>
    private string? Name(string id, string arguments)
    {
        if (id.Length > 0 && id.All(char.IsAsciiDigit))
            return KimiBareIds.Resolve(tools, arguments);
        var colon = id.LastIndexOf(':');
        if (colon <= 0 || colon == id.Length - 1 || !id[(colon + 1)..].All(char.IsAsciiDigit))
            return null;
        var name = id[..colon];
        if (name.StartsWith("functions.", StringComparison.Ordinal))
            name = name["functions.".Length..];
        return name.Length > 0 ? name : null;
    }
}
