namespace Dynamo.Grammar.Pda.Ir;

/// <summary>
/// Code point ranges as UTF-8 byte sequences: each range is split until every piece is a sequence of
/// byte ranges of one length (the classic construction regex engines use). Surrogates have no UTF-8
/// form and are left out.
/// </summary>
internal static class Utf8Sequences
{
    public static Node Of(CodePointSet set)
    {
        var alternatives = new List<Node>();
        foreach (var (low, high) in set.Ranges)
        {
            // Surrogates (U+D800–U+DFFF) cannot be written in UTF-8.
            if (low <= 0xD7FF)
                Split(low, Math.Min(high, 0xD7FF), alternatives);
            if (high >= 0xE000)
                Split(Math.Max(low, 0xE000), high, alternatives);
        }
        return alternatives.Count == 0 ? new Choice([]) : Node.Alt([.. alternatives]);
    }

    private static void Split(int low, int high, List<Node> output)
    {
        if (low > high)
            return;
        foreach (var boundary in (int[])[0x7F, 0x7FF, 0xFFFF])
            if (low <= boundary && boundary < high)
            {
                Split(low, boundary, output);
                Split(boundary + 1, high, output);
                return;
            }
        var length = Length(low);
        for (var i = 1; i < length; i++)
        {
            var max = (1 << (6 * i)) - 1;
            if ((low & ~max) == (high & ~max))
                continue;
            if ((low & max) != 0)
            {
                Split(low, low | max, output);
                Split((low | max) + 1, high, output);
                return;
            }
            if ((high & max) != max)
            {
                Split(low, (high & ~max) - 1, output);
                Split(high & ~max, high, output);
                return;
            }
        }
        var lowBytes = Encode(low);
        var highBytes = Encode(high);
        output.Add(Node.Seq([.. lowBytes.Select((b, i) => (Node)new ByteClass(ByteSet.Range(b, highBytes[i])))]));
    }

    private static int Length(int codePoint) => codePoint switch { <= 0x7F => 1, <= 0x7FF => 2, <= 0xFFFF => 3, _ => 4 };

    private static byte[] Encode(int codePoint) => System.Text.Encoding.UTF8.GetBytes(char.ConvertFromUtf32(codePoint));
}
