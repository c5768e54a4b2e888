namespace Dynamo.Parsers.ToolCalls.Formats;

/// <summary>Literal markup in growing text: there, possibly still arriving, or not there.</summary>
internal static class Text
{
    public enum Match
    {
        Yes,
        Partial,
        No,
    }

    /// <summary>Whether <paramref name="literal"/> is at <paramref name="at"/> (Partial: the text ends inside it).</summary>
    public static Match At(string s, int at, string literal)
    {
        var available = Math.Min(literal.Length, s.Length - at);
        if (available < 0 || string.CompareOrdinal(s, at, literal, 0, available) != 0)
            return Match.No;
        return available == literal.Length ? Match.Yes : Match.Partial;
    }

    /// <summary>Where <paramref name="literal"/> next occurs, or -1; <paramref name="maybe"/> says whether the text ends in a piece of it.</summary>
    public static int Find(string s, int from, string literal, out bool maybe)
    {
        var at = s.IndexOf(literal, from, StringComparison.Ordinal);
        maybe = false;
        if (at >= 0)
            return at;
        for (var k = Math.Min(literal.Length - 1, s.Length - from); k > 0; k--)
            if (string.CompareOrdinal(s, s.Length - k, literal, 0, k) == 0)
            {
                maybe = true;
                break;
            }
        return -1;
    }
}
