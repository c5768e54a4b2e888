using Dynamo.Grammar.Pda.Ir;

namespace Dynamo.Grammar.Pda.Regex;

/// <summary>A parsed regex as grammar nodes; how a set of characters is written is up to the caller (plain UTF-8, or JSON-string escaped).</summary>
internal static class RegexNodes
{
    public static Node ToNode(Rx rx, Func<CodePointSet, Node> chars) => rx switch
    {
        RxChars c => chars(c.Set),
        RxSeq s => Node.Seq([.. s.Items.Select(i => ToNode(i, chars))]),
        RxAlt a => Node.Alt([.. a.Items.Select(i => ToNode(i, chars))]),
        RxRepeat r => new Repeat(ToNode(r.Item, chars), r.Min, r.Max),
        _ => throw new InvalidOperationException(rx.GetType().Name),
    };

    /// <summary>A whole regex, matched in full, as plain UTF-8 text (<c>structured_outputs.regex</c>, Lark terminals).</summary>
    public static Node Plain(string pattern, string where)
    {
        var (rx, _, _) = RegexParser.Parse(pattern, where);
        return ToNode(rx, Utf8Sequences.Of);
    }
}
