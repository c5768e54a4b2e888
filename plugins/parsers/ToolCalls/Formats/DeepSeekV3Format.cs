namespace Dynamo.Parsers.ToolCalls.Formats;

/// <summary>
/// DeepSeek V3: <c>&lt;｜tool▁calls▁begin｜&gt;&lt;｜tool▁call▁begin｜&gt;function&lt;｜tool▁sep｜&gt;NAME\n```json\n{…}\n```&lt;｜tool▁call▁end｜&gt;…&lt;｜tool▁calls▁end｜&gt;</c>;
/// the fence may be missing, the JSON is read all the same.
/// </summary>
internal sealed class DeepSeekV3Format() : TaggedCalls("<｜tool▁calls▁begin｜>", "<｜tool▁calls▁end｜>", "<｜tool▁call▁begin｜>", "<｜tool▁call▁end｜>")
{
    private const string Separator = "<｜tool▁sep｜>";
    private const string Fence = "```json";

    protected override string Trailer => "```";

    protected override CallHead Head(string s, int at)
    {
        var (sep, token) = NextToken(s, at, Separator);
        if (token is null)
            return new(HeadKind.Partial);
        if (token == CallEnd)
            return new(HeadKind.Empty, Next: sep + CallEnd.Length);
        if (token != Separator)
            return new(HeadKind.Malformed);
        var nameAt = sep + Separator.Length;
        var (newline, after) = NextToken(s, nameAt, "\n");
        if (after is null)
            return new(HeadKind.Partial);
        var name = s[nameAt..newline].Trim();
        if (name.Length == 0 || (after != "\n" && after != CallEnd))
            return new(HeadKind.Malformed);
        if (after == CallEnd)
            return new(HeadKind.Empty, Next: newline + CallEnd.Length); // a name and no JSON: no call, nothing shown
        var fence = Json.JsonScan.SkipWhitespace(s, newline + 1);
        return Text.At(s, fence, Fence) switch
        {
            Text.Match.Yes => new(HeadKind.Call, name, fence + Fence.Length),
            Text.Match.Partial => new(HeadKind.Partial),
            _ => new(HeadKind.Call, name, fence),
        };
    }
}
