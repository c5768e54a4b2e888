namespace Dynamo.Parsers.ToolCalls.Formats;

/// <summary>DeepSeek V3.1: <c>&lt;｜tool▁calls▁begin｜&gt;&lt;｜tool▁call▁begin｜&gt;NAME&lt;｜tool▁sep｜&gt;{…}&lt;｜tool▁call▁end｜&gt;…&lt;｜tool▁calls▁end｜&gt;</c>, no fence.</summary>
internal sealed class DeepSeekV31Format() : TaggedCalls("<｜tool▁calls▁begin｜>", "<｜tool▁calls▁end｜>", "<｜tool▁call▁begin｜>", "<｜tool▁call▁end｜>")
{
    private const string Separator = "<｜tool▁sep｜>";

    protected override CallHead Head(string s, int at)
    {
        var (sep, token) = NextToken(s, at, Separator);
        if (token is null)
            return new(HeadKind.Partial);
        var name = s[at..sep].Trim();
        if (name.Length == 0 || (token != Separator && token != CallEnd))
            return new(HeadKind.Malformed);
        return token == CallEnd
            ? new(HeadKind.Empty, Next: sep + CallEnd.Length) // a name and no JSON: no call, nothing shown
            : new(HeadKind.Call, name, sep + Separator.Length);
    }
}
