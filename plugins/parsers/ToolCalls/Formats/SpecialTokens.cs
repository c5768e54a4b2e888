namespace Dynamo.Parsers.ToolCalls.Formats;

/// <summary>Finding special tokens (DeepSeek's and Kimi's call markup) in growing text.</summary>
internal static class SpecialTokens
{
    /// <summary>Where the first of <paramref name="tokens"/> next occurs from <paramref name="from"/>, and which one; (-1, null) while none has come.</summary>
    public static (int At, string? Token) First(string s, int from, params ReadOnlySpan<string> tokens)
    {
        var (at, token) = (-1, (string?)null);
        foreach (var t in tokens)
        {
            var i = Text.Find(s, from, t);
            if (i >= 0 && (at < 0 || i < at))
                (at, token) = (i, t);
        }
        return (at, token);
    }

    /// <summary>Whether one of <paramref name="tokens"/> is at <paramref name="at"/>: Yes with its length, Partial while one may still be arriving, else No.</summary>
    public static (Text.Match Match, int Length) AtAny(string s, int at, params ReadOnlySpan<string> tokens)
    {
        var result = (Text.Match.No, 0);
        foreach (var token in tokens)
            switch (Text.At(s, at, token))
            {
                case Text.Match.Yes:
                    return (Text.Match.Yes, token.Length);
                case Text.Match.Partial:
                    result = (Text.Match.Partial, 0);
                    break;
            }
        return result;
    }
}
