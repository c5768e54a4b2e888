namespace Dynamo.Parsers.ToolCalls.Formats;

/// <summary>DeepSeek V3.1: <c>&lt;｜tool▁calls▁begin｜&gt;&lt;｜tool▁call▁begin｜&gt;NAME&lt;｜tool▁sep｜&gt;{…}&lt;｜tool▁call▁end｜&gt;…&lt;｜tool▁calls▁end｜&gt;</c>, no fence.</summary>
internal sealed class DeepSeekV31Format() : TaggedCalls("<｜tool▁calls▁begin｜>", "<｜tool▁calls▁end｜>", "<｜tool▁call▁begin｜>", "<｜tool▁call▁end｜>")
{
    protected override (Text.Match Match, string? Name, string? Id, int ArgsAt) Head(string s, int at)
    {
        var (match, name, after) = Until(s, at, "<｜tool▁sep｜>");
        return (match, name.Trim(), null, after);
    }
}
