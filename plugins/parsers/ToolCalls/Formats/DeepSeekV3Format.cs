namespace Dynamo.Parsers.ToolCalls.Formats;

/// <summary>
/// DeepSeek V3: <c>&lt;｜tool▁calls▁begin｜&gt;&lt;｜tool▁call▁begin｜&gt;function&lt;｜tool▁sep｜&gt;NAME\n```json\n{…}\n```&lt;｜tool▁call▁end｜&gt;…&lt;｜tool▁calls▁end｜&gt;</c>.
/// </summary>
internal sealed class DeepSeekV3Format() : TaggedCalls("<｜tool▁calls▁begin｜>", "<｜tool▁calls▁end｜>", "<｜tool▁call▁begin｜>", "<｜tool▁call▁end｜>")
{
    protected override string Trailer => "```";

    protected override (Text.Match Match, string? Name, string? Id, int ArgsAt) Head(string s, int at)
    {
        var (typeMatch, _, afterType) = Until(s, at, "<｜tool▁sep｜>");
        if (typeMatch != Text.Match.Yes)
            return (typeMatch, "", null, 0);
        var (nameMatch, name, afterName) = Until(s, afterType, "\n");
        if (nameMatch != Text.Match.Yes)
            return (nameMatch, "", null, 0);
        var fence = Dynamo.Parsers.ToolCalls.Json.JsonScan.SkipWhitespace(s, afterName);
        return Text.At(s, fence, "```json") switch
        {
            Text.Match.Yes => (Text.Match.Yes, name.Trim(), null, fence + "```json".Length),
            Text.Match.Partial => (Text.Match.Partial, "", null, 0),
            _ => (Text.Match.Yes, name.Trim(), null, fence), // no fence: the JSON follows directly
        };
    }
}
