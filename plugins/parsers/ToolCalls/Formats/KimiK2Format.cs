namespace Dynamo.Parsers.ToolCalls.Formats;

/// <summary>
/// Kimi K2: <c>&lt;|tool_calls_section_begin|&gt;&lt;|tool_call_begin|&gt;functions.NAME:IDX&lt;|tool_call_argument_begin|&gt;{…}&lt;|tool_call_end|&gt;…&lt;|tool_calls_section_end|&gt;</c>;
/// the model's own id (functions.NAME:IDX) is kept, as its template expects it back.
/// </summary>
internal sealed class KimiK2Format() : TaggedCalls("<|tool_calls_section_begin|>", "<|tool_calls_section_end|>", "<|tool_call_begin|>", "<|tool_call_end|>")
{
    protected override (Text.Match Match, string Name, string? Id, int ArgsAt) Head(string s, int at)
    {
        var (match, id, after) = Until(s, at, "<|tool_call_argument_begin|>");
        if (match != Text.Match.Yes)
            return (match, "", null, 0);
        id = id.Trim();
        var name = id.StartsWith("functions.", StringComparison.Ordinal) ? id["functions.".Length..] : id;
        var colon = name.LastIndexOf(':');
        return (Text.Match.Yes, colon > 0 ? name[..colon] : name, id, after);
    }
}
