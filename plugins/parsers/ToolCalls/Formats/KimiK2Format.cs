namespace Dynamo.Parsers.ToolCalls.Formats;

/// <summary>
/// Kimi K2: <c>&lt;|tool_calls_section_begin|&gt;&lt;|tool_call_begin|&gt;functions.NAME:IDX&lt;|tool_call_argument_begin|&gt;{…}&lt;|tool_call_end|&gt;…&lt;|tool_calls_section_end|&gt;</c>
/// (the section tokens also spelled singular, <c>tool_call_section</c>). The model's own id is kept,
/// as its template expects it back; a call whose id is not <c>NAME:IDX</c> is skipped, and a call
/// cut short is no call, as in the reference parsers.
/// </summary>
internal sealed class KimiK2Format() : TaggedCalls(
    ["<|tool_calls_section_begin|>", "<|tool_call_section_begin|>"], ["<|tool_calls_section_end|>", "<|tool_call_section_end|>"], "<|tool_call_begin|>", "<|tool_call_end|>")
{
    protected override bool WholeCallsOnly => true;

    protected override (Text.Match Match, string? Name, string? Id, int ArgsAt) Head(string s, int at)
    {
        var (match, id, after) = Until(s, at, "<|tool_call_argument_begin|>");
        if (match != Text.Match.Yes)
            return (match, "", null, 0);
        id = id.Trim();
        var colon = id.LastIndexOf(':');
        var name = colon > 0 ? id[..colon] : "";
        if (name.StartsWith("functions.", StringComparison.Ordinal))
            name = name["functions.".Length..];
        var index = colon > 0 ? id[(colon + 1)..] : "";
        var valid = name.Length > 0 && index.Length > 0 && index.All(char.IsAsciiDigit);
        return (Text.Match.Yes, valid ? name : null, id, after);
    }
}
